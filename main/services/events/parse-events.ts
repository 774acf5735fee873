// Event files as people hand them over: a JSON array of events, one JSON event, or JSON Lines.
// Shared by the CLI (`plugin-studio run --events`) and the studio backend (importing event files).
// Events are kept exactly as written — key order, unknown fields and all — because the runtime
// must hand the plugin the event as given (DESIGN.md §4).
import type { PluginEvent } from '../../../common/plugin/event.ts'
import { positionAt } from '../../../common/plugin/plugin-json.ts'

export type EventsFormat = 'json-array' | 'json-object' | 'json-lines'

export interface EventsProblem {
  file: string
  message: string
  /** 1-based, when the problem has a place in the text. */
  line?: number
  column?: number
}

export type EventsParse =
  | { ok: true; format: EventsFormat; events: PluginEvent[] }
  | {
      ok: false
      /** The first problem: what the CLI reports before refusing the file. */
      problem: EventsProblem
      /** JSON Lines only: every bad line, and the good events, which the studio may still import. */
      problems?: EventsProblem[]
      events?: PluginEvent[]
    }

/** `file: line L, column C: message` — one line, for people and CI logs. */
export function formatEventsProblem(problem: EventsProblem): string {
  const place = problem.line ? ` line ${problem.line}${problem.column ? `, column ${problem.column}` : ''}:` : ''
  return `${problem.file}:${place} ${problem.message}`
}

/** Parses the text of an event file; `file` only names it in problems. */
export function parseEventsText(text: string, file = 'events'): EventsParse {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
  if (body.trim() === '') return fail(file, 'no events: the file is empty (expected a JSON array, one JSON event or JSON Lines)')

  const whole = tryJson(body)
  if (whole.ok) {
    if (Array.isArray(whole.value)) {
      if (whole.value.length === 0) return fail(file, 'no events: the JSON array is empty')
      const events: PluginEvent[] = []
      for (let i = 0; i < whole.value.length; i++) {
        const why = eventProblem(whole.value[i])
        if (why) return fail(file, `event ${i + 1} of the array ${why}`)
        events.push(whole.value[i] as PluginEvent)
      }
      return { ok: true, format: 'json-array', events }
    }
    const why = eventProblem(whole.value)
    if (why) return fail(file, `the event ${why}`)
    return { ok: true, format: 'json-object', events: [whole.value as PluginEvent] }
  }

  // Not one JSON document. If its first line stands alone as JSON it is JSON Lines (report the
  // first bad line); otherwise it is a broken single document (report where JSON.parse stopped).
  const lines = body.split(/\r?\n/)
  const first = lines.findIndex((line) => line.trim() !== '')
  const trimmedStart = body.trimStart()
  if (trimmedStart.startsWith('[') || !tryJson(lines[first]).ok) {
    return fail(file, `not valid JSON: ${whole.message}`, whole.position === undefined ? {} : positionAt(body, whole.position))
  }
  const events: PluginEvent[] = []
  const problems: EventsProblem[] = []
  for (let i = first; i < lines.length; i++) {
    if (lines[i].trim() === '') continue
    const parsed = tryJson(lines[i])
    const why = parsed.ok ? eventProblem(parsed.value) : null
    if (!parsed.ok) problems.push({ file, message: `not valid JSON: ${parsed.message} (JSON Lines: one event per line)`, line: i + 1 })
    else if (why) problems.push({ file, message: `the event ${why} (JSON Lines: one event object per line)`, line: i + 1 })
    else events.push(parsed.value as PluginEvent)
  }
  if (problems.length) return { ok: false, problem: problems[0], problems, events }
  return { ok: true, format: 'json-lines', events }
}

/** Why a parsed value is not an event, or null when it is one. */
export function eventProblem(value: unknown): string | null {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return `is not a JSON object (got ${describe(value)})`
  const event = value as Record<string, unknown>
  if (typeof event.event !== 'string' || event.event === '') return 'has no "event" name (a non-empty string)'
  if (event.properties !== undefined && (event.properties === null || typeof event.properties !== 'object' || Array.isArray(event.properties))) {
    return `"${event.event}" has "properties" that are not an object (got ${describe(event.properties)})`
  }
  return null
}

function describe(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  return typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value).slice(0, 30)}`
}

type JsonTry = { ok: true; value: unknown } | { ok: false; message: string; position?: number }

function tryJson(text: string): JsonTry {
  try {
    return { ok: true, value: JSON.parse(text) }
  } catch (error) {
    const raw = error instanceof Error ? error.message : String(error)
    const at = /at position (\d+)/.exec(raw)
    // V8 quotes a snippet of the input (`, "..." is not valid JSON`) that may span lines: drop it,
    // and the place, which the caller reports as line:column.
    const message = raw
      .replace(/, (\.\.\.)?"[\s\S]*"(\.\.\.)? is not valid JSON$/, '')
      .replace(/ in JSON at position \d+( \(line \d+ column \d+\))?/, '')
      .replace(/\s+/g, ' ')
      .trim()
    return { ok: false, message, position: at ? Number(at[1]) : badOffset(text) }
  }
}

/**
 * Where JSON.parse gave up, when V8 does not say ("Unexpected token"): the shortest prefix that
 * fails for a reason other than ending too early ends with the offending character.
 */
function badOffset(text: string): number | undefined {
  const endsEarly = (length: number): boolean => {
    try {
      JSON.parse(text.slice(0, length))
      return true
    } catch (error) {
      const message = error instanceof Error ? error.message : ''
      const at = /at position (\d+)/.exec(message)
      return /end of JSON input/.test(message) || (at !== null && Number(at[1]) >= length)
    }
  }
  if (endsEarly(text.length)) return undefined
  let low = 0
  let high = text.length
  while (low + 1 < high) {
    const middle = (low + high) >> 1
    if (endsEarly(middle)) low = middle
    else high = middle
  }
  return high - 1
}

function fail(file: string, message: string, place: { line?: number; column?: number } = {}): EventsParse {
  return { ok: false, problem: { file, message, ...place } }
}
