// Reads an event file from disk (or standard input for `-`) and parses it; unreadable files become
// problems like malformed ones, so callers report both the same way. A `.csv` file is read as
// PostHog's CSV export of events (csv-events.ts); the CLI refuses it when any row is bad.
import { readFile } from 'node:fs/promises'
import { text } from 'node:stream/consumers'
import { parseEventsText, type EventsParse } from './parse-events.ts'
import { parseCsvEvents } from './csv-events.ts'

export async function readEventsFile(path: string): Promise<EventsParse> {
  let body: string
  try {
    body = path === '-' ? await text(process.stdin) : await readFile(path, 'utf8')
  } catch (error) {
    return { ok: false, problem: { file: path, message: describeReadError(error) } }
  }
  if (/\.csv$/i.test(path)) return csvParse(body, path)
  return parseEventsText(body, path === '-' ? 'standard input' : path)
}

function csvParse(body: string, file: string): EventsParse {
  const csv = parseCsvEvents(body)
  const first = csv.problems[0]
  if (first) return { ok: false, problem: { file, message: first.message, line: first.line } }
  if (csv.events.length === 0) return { ok: false, problem: { file, message: 'no events: the CSV has a header and no rows' } }
  return { ok: true, format: 'json-array', events: csv.events }
}

/** A one-line reason for a failed read, without Node's stack or syscall noise. */
export function describeReadError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code
  if (code === 'ENOENT') return 'no such file'
  if (code === 'EISDIR') return 'is a directory, not a file'
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied'
  return `cannot read: ${error instanceof Error ? error.message : String(error)}`
}
