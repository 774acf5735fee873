// An event file opened for the Debugger: parsed leniently (bad JSON Lines are named and skipped, the
// good ones kept), read a page at a time, and edited in place. JSON Lines files are not turned into
// objects up front — only the place of each good line is kept — so a file of 100,000 events costs
// its text plus two numbers per event, and a page parses just the lines it shows.
import type { PluginEvent } from '../../../common/plugin/event.ts'
import type { EventFileEdit, EventLineProblem } from '../../../common/protocol/studio.ts'
import { eventProblem, formatEventsProblem, parseEventsText, type EventsFormat, type EventsProblem } from './parse-events.ts'

export type { EventLineProblem }
export type EventEdit = EventFileEdit

export interface EventIndex {
  format: EventsFormat
  count: number
  /** Lines (or array entries) that are not events; they are left out of `count` and pages. */
  problems: EventLineProblem[]
  page(offset: number, limit: number): PluginEvent[]
  /** The file's new text after one edit, keeping every other line (bad ones too) as written. */
  edited(edit: EventEdit): string
}

export class EventFileError extends Error {
  readonly problem: EventsProblem
  constructor(problem: EventsProblem) {
    super(formatEventsProblem(problem))
    this.name = 'EventFileError'
    this.problem = problem
  }
}

/** Opens the text of an event file; throws EventFileError when it is not events at all. */
export function indexEvents(text: string, file: string): EventIndex {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
  if (body.trim() === '') return arrayIndex([], [], 'json-array')
  if (body.trimStart().startsWith('[')) return wholeDocument(body, file)
  const lines = lineIndex(body)
  // A pretty-printed single event: its first line is not JSON on its own.
  if (lines.firstLineBad) return wholeDocument(body, file)
  return lines.index
}

function wholeDocument(body: string, file: string): EventIndex {
  let value: unknown
  try {
    value = JSON.parse(body)
  } catch {
    const parsed = parseEventsText(body, file)
    throw new EventFileError(parsed.ok ? { file, message: 'not valid JSON' } : parsed.problem)
  }
  if (!Array.isArray(value)) {
    const why = eventProblem(value)
    if (why) throw new EventFileError({ file, message: `the event ${why}` })
    return arrayIndex([value as PluginEvent], [], 'json-object')
  }
  const events: PluginEvent[] = []
  const problems: EventLineProblem[] = []
  const lineOf = entryLines(body, value.length)
  value.forEach((entry, i) => {
    const why = eventProblem(entry)
    if (why) problems.push({ line: lineOf[i] ?? 1, message: `event ${i + 1} of the array ${why}` })
    else events.push(entry as PluginEvent)
  })
  return arrayIndex(events, problems, 'json-array')
}

function arrayIndex(events: PluginEvent[], problems: EventLineProblem[], format: EventsFormat): EventIndex {
  return {
    format,
    count: events.length,
    problems,
    page: (offset, limit) => events.slice(offset, offset + limit),
    edited(edit) {
      const next = applyEdit(events, edit)
      return `${JSON.stringify(next, null, 2)}\n`
    },
  }
}

function applyEdit<T>(list: readonly T[], edit: EventEdit & { event?: unknown }): T[] {
  const next = [...list]
  checkIndex(edit, list.length)
  if (edit.kind === 'replace') next[edit.index] = edit.event as T
  else if (edit.kind === 'insert') next.splice(edit.index, 0, edit.event as T)
  else next.splice(edit.index, 1)
  return next
}

function checkIndex(edit: EventEdit, count: number): void {
  const max = edit.kind === 'insert' ? count : count - 1
  if (!Number.isInteger(edit.index) || edit.index < 0 || edit.index > max) throw new Error(`No event ${edit.index + 1} in this file (it has ${count})`)
  if (edit.kind !== 'delete') {
    const why = eventProblem(edit.event)
    if (why) throw new Error(`The event ${why}`)
  }
}

function lineIndex(body: string): { firstLineBad: boolean; index: EventIndex } {
  const starts: number[] = []
  const ends: number[] = []
  const problems: EventLineProblem[] = []
  let firstLineBad = false
  let seenLine = false
  let line = 0
  for (let start = 0; start <= body.length; ) {
    let end = body.indexOf('\n', start)
    if (end === -1) end = body.length
    line++
    const textEnd = end > start && body.charCodeAt(end - 1) === 13 ? end - 1 : end
    const text = body.slice(start, textEnd)
    if (text.trim() !== '') {
      const why = lineProblem(text)
      if (why && !seenLine) firstLineBad = true
      seenLine = true
      if (why) problems.push({ line, message: why })
      else {
        starts.push(start)
        ends.push(textEnd)
      }
    }
    start = end + 1
  }
  const count = starts.length
  const startArray = Uint32Array.from(starts)
  const endArray = Uint32Array.from(ends)
  return {
    firstLineBad,
    index: {
      format: 'json-lines',
      count,
      problems,
      page(offset, limit) {
        const out: PluginEvent[] = []
        for (let i = Math.max(0, offset); i < Math.min(count, offset + limit); i++) out.push(JSON.parse(body.slice(startArray[i], endArray[i])) as PluginEvent)
        return out
      },
      edited(edit) {
        checkIndex(edit, count)
        const text = edit.kind === 'delete' ? '' : JSON.stringify(edit.event)
        if (edit.kind === 'replace') return body.slice(0, startArray[edit.index]) + text + body.slice(endArray[edit.index])
        if (edit.kind === 'delete') {
          // The line and its line break go.
          const from = startArray[edit.index]
          const next = body.indexOf('\n', endArray[edit.index])
          return body.slice(0, from) + (next === -1 ? '' : body.slice(next + 1))
        }
        if (edit.index < count) return body.slice(0, startArray[edit.index]) + text + '\n' + body.slice(startArray[edit.index])
        const tail = body.length > 0 && !body.endsWith('\n') ? '\n' : ''
        return `${body}${tail}${text}\n`
      },
    },
  }
}

function lineProblem(text: string): string | null {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    const message = (error instanceof Error ? error.message : String(error)).replace(/, "[\s\S]*" is not valid JSON$/, '').replace(/ in JSON at position \d+.*$/, '')
    return `not valid JSON: ${message}`
  }
  const why = eventProblem(value)
  return why ? `the event ${why}` : null
}

/** The 1-based line where each top-level entry of a JSON array starts (for naming bad entries). */
function entryLines(body: string, count: number): number[] {
  const lines: number[] = []
  let depth = 0
  let inString = false
  let line = 1
  let expectEntry = false
  for (let i = 0; i < body.length && lines.length < count; i++) {
    const c = body[i]
    if (c === '\n') line++
    if (inString) {
      if (c === '\\') i++
      else if (c === '"') inString = false
      continue
    }
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n') continue
    if (expectEntry && depth === 1 && c !== ']') {
      lines.push(line)
      expectEntry = false
    }
    if (c === '"') inString = true
    else if (c === '[' || c === '{') {
      depth++
      if (depth === 1) expectEntry = true
    } else if (c === ']' || c === '}') depth--
    else if (c === ',' && depth === 1) expectEntry = true
  }
  return lines
}
