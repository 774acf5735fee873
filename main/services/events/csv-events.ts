// PostHog's CSV export of events (Activity / Events ▸ Export) turned into PluginEvents. Columns:
// `uuid`, `event`, `distinct_id`, `timestamp`, and the event's other top-level fields by name;
// `properties` as one JSON column or flattened `properties.<key>` columns (the key is everything
// after the first dot — PostHog keys such as `$feature/flag` or `utm.source` keep their dots);
// `person.*` columns (`person.properties.<key>`, `person.uuid`, …) or a `person` JSON column; `$set`
// and `$set_once` as JSON. CSV has no types, so a cell is read back as JSON when it is a number,
// boolean, null, object or array written the way JSON writes it, and as text otherwise; empty cells
// are left out (that is how the export writes a property the event does not have).
import Papa from 'papaparse'
import type { PluginEvent } from '../../../common/plugin/event.ts'
import type { EventLineProblem } from './event-index.ts'

export interface CsvEvents {
  events: PluginEvent[]
  /** Rows that are not events, by the line they start on; the rest are imported. */
  problems: EventLineProblem[]
  /** Header columns that map to nothing in an event (left out). */
  ignoredColumns: string[]
}

const TEXT_FIELDS = new Set(['uuid', 'event', 'distinct_id', 'timestamp', 'ip', 'site_url', 'now', 'sent_at', 'elements_chain', 'created_at'])
const NUMBER_FIELDS = new Set(['team_id', 'offset'])
const JSON_FIELDS = new Set(['properties', '$set', '$set_once', 'person', 'elements'])

/** Whether a text looks like CSV rather than JSON (used when importing a file of unknown kind). */
export function looksLikeCsv(text: string): boolean {
  const first = text.replace(/^\ufeff/, '').trimStart()
  if (first.startsWith('{') || first.startsWith('[')) return false
  const header = first.slice(0, first.indexOf('\n') === -1 ? undefined : first.indexOf('\n'))
  return /(^|,)"?event"?(,|\r?$)/.test(header)
}

export function parseCsvEvents(text: string): CsvEvents {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
  const events: PluginEvent[] = []
  const problems: EventLineProblem[] = []
  let header: string[] = []
  let ignored: string[] = []
  let row = 0
  // Line numbers for problems: newlines counted up to where each row starts.
  let counted = 0
  let line = 1
  const lineOf = (offset: number): number => {
    for (; counted < offset; counted++) if (body.charCodeAt(counted) === 10) line++
    return line
  }
  let previousEnd = 0
  Papa.parse<string[]>(body, {
    skipEmptyLines: 'greedy',
    step(result) {
      const cells = result.data
      let start = previousEnd
      while (start < body.length && (body.charCodeAt(start) === 10 || body.charCodeAt(start) === 13)) start++
      const startLine = lineOf(start)
      previousEnd = result.meta.cursor
      row++
      if (row === 1) {
        header = cells.map((cell) => cell.trim())
        if (!header.includes('event')) problems.push({ line: startLine, message: 'the header has no "event" column (expected PostHog\'s CSV export: uuid, event, distinct_id, timestamp, properties…)' })
        ignored = header.filter((column) => column !== '' && !columnTarget(column))
        return
      }
      const parseError = result.errors.find((error) => error.code !== 'UndetectableDelimiter')
      if (parseError) problems.push({ line: startLine, message: `row ${row - 1}: ${parseError.message}` })
      else if (cells.length !== header.length) problems.push({ line: startLine, message: `row ${row - 1} has ${cells.length} cells, the header has ${header.length}` })
      else {
        const mapped = rowToEvent(header, cells)
        if (typeof mapped === 'string') problems.push({ line: startLine, message: `row ${row - 1}: ${mapped}` })
        else events.push(mapped)
      }
    },
  })
  if (row === 0) problems.push({ line: 1, message: 'the file is empty' })
  return { events, problems, ignoredColumns: ignored }
}

type Target = { kind: 'field'; key: string } | { kind: 'property'; key: string } | { kind: 'person'; key: string } | { kind: 'personProperty'; key: string }

function columnTarget(column: string): Target | null {
  if (TEXT_FIELDS.has(column) || NUMBER_FIELDS.has(column) || JSON_FIELDS.has(column)) return { kind: 'field', key: column }
  if (column.startsWith('properties.') && column.length > 11) return { kind: 'property', key: column.slice(11) }
  if (column.startsWith('person.properties.') && column.length > 18) return { kind: 'personProperty', key: column.slice(18) }
  if (column.startsWith('person.') && column.length > 7) return { kind: 'person', key: column.slice(7) }
  return null
}

/** The event of one row, or why the row is not one. */
export function rowToEvent(header: readonly string[], cells: readonly string[]): PluginEvent | string {
  const event: Record<string, unknown> = {}
  const properties: Record<string, unknown> = {}
  let person: Record<string, unknown> | null = null
  let personProperties: Record<string, unknown> | null = null
  for (let i = 0; i < header.length; i++) {
    const column = header[i]
    const cell = cells[i] ?? ''
    const target = columnTarget(column)
    if (!target || cell === '') continue
    if (target.kind === 'property') properties[target.key] = cellValue(cell)
    else if (target.kind === 'personProperty') (personProperties ??= {})[target.key] = cellValue(cell)
    else if (target.kind === 'person') (person ??= {})[target.key] = cellValue(cell)
    else if (TEXT_FIELDS.has(target.key)) event[target.key] = cell
    else if (NUMBER_FIELDS.has(target.key)) {
      const number = Number(cell)
      if (!Number.isFinite(number)) return `"${target.key}" is not a number (${cell.slice(0, 40)})`
      event[target.key] = number
    } else {
      let value: unknown
      try {
        value = JSON.parse(cell)
      } catch {
        return `the "${target.key}" column is not valid JSON (${cell.slice(0, 40)}${cell.length > 40 ? '…' : ''})`
      }
      if (value === null) continue
      if (typeof value !== 'object' || (Array.isArray(value) && target.key !== 'elements')) return `the "${target.key}" column is not a JSON object`
      if (target.key === 'properties') Object.assign(properties, value)
      else if (target.key === 'person') person = { ...(value as Record<string, unknown>), ...(person ?? {}) }
      else event[target.key] = value
    }
  }
  if (typeof event.event !== 'string' || event.event.trim() === '') return 'no event name (the "event" cell is empty)'
  if (Object.keys(properties).length > 0 || header.some((column) => column === 'properties' || column.startsWith('properties.'))) event.properties = properties
  if (personProperties) person = { ...person, properties: { ...((person?.properties as Record<string, unknown> | undefined) ?? {}), ...personProperties } }
  if (person) event.person = person
  return event as PluginEvent
}

/** A cell as the value it most likely was: JSON's own spelling of a number, boolean, null, object or array; else text. */
export function cellValue(cell: string): unknown {
  if (cell === 'true') return true
  if (cell === 'false') return false
  if (cell === 'null') return null
  if (/^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/.test(cell)) {
    const number = Number(cell)
    // Long digit strings (ids, phone numbers) stay text when a number would lose digits.
    if (Number.isSafeInteger(number) || !/^-?\d+$/.test(cell)) return number
    return cell
  }
  if ((cell.startsWith('{') && cell.endsWith('}')) || (cell.startsWith('[') && cell.endsWith(']'))) {
    try {
      return JSON.parse(cell)
    } catch {
      return cell
    }
  }
  return cell
}
