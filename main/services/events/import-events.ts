// An imported event file (JSON, JSON Lines or PostHog's CSV export) as the JSON Lines text the
// workspace keeps, with the lines or rows that were not events named.
import type { ImportEventsResult } from '../../../common/protocol/studio.ts'
import { looksLikeCsv, parseCsvEvents } from './csv-events.ts'
import { EventFileError, indexEvents } from './event-index.ts'

export interface ConvertedImport {
  /** JSON Lines, one event per line. */
  text: string
  imported: number
  problems: ImportEventsResult['problems']
  format: ImportEventsResult['format']
  ignoredColumns: string[]
}

export function convertImport(fileName: string, text: string): ConvertedImport {
  if (typeof text !== 'string') throw new Error('The imported file must be text')
  if (/\.csv$/i.test(fileName) || (!/\.(json|jsonl|ndjson)$/i.test(fileName) && looksLikeCsv(text))) {
    const csv = parseCsvEvents(text)
    return { text: toLines(csv.events), imported: csv.events.length, problems: csv.problems, format: 'csv', ignoredColumns: csv.ignoredColumns }
  }
  let index
  try {
    index = indexEvents(text, fileName)
  } catch (error) {
    if (error instanceof EventFileError) return { text: '', imported: 0, problems: [{ line: error.problem.line ?? 1, message: error.problem.message }], format: 'json-array', ignoredColumns: [] }
    throw error
  }
  const events = index.page(0, index.count)
  return { text: toLines(events), imported: events.length, problems: index.problems, format: index.format, ignoredColumns: [] }
}

function toLines(events: unknown[]): string {
  return events.map((event) => `${JSON.stringify(event)}\n`).join('')
}
