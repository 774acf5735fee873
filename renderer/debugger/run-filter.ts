// Filter and search over a run: which events that ran match the name / distinct_id / text in their
// properties or logs, a log level, errors only, dropped only.
import type { EventResult } from '../../common/protocol/runtime.ts'
import type { LogLevel } from '../../common/plugin/event.ts'

export interface RunFilter {
  /** Matched, case-insensitively, against the event name, distinct_id, property text, log messages and errors. */
  text: string
  /** Only events with at least one log line at this level. */
  level: LogLevel | ''
  errorsOnly: boolean
  droppedOnly: boolean
}

export const NO_FILTER: RunFilter = { text: '', level: '', errorsOnly: false, droppedOnly: false }

export function isFiltering(filter: RunFilter): boolean {
  return filter.text.trim() !== '' || filter.level !== '' || filter.errorsOnly || filter.droppedOnly
}

/** Every log line of an event: its own and each stage's (a stage's lines are usually the same ones). */
function logsOf(result: EventResult) {
  return result.logs.length ? result.logs : result.stages.flatMap((stage) => stage.logs)
}

export function matches(result: EventResult, filter: RunFilter): boolean {
  if (filter.errorsOnly && !result.error && !result.stages.some((stage) => stage.error)) return false
  if (filter.droppedOnly && result.output !== null) return false
  if (filter.level && !logsOf(result).some((log) => log.level === filter.level)) return false
  const text = filter.text.trim().toLowerCase()
  if (!text) return true
  const event = result.input
  if (event.event.toLowerCase().includes(text)) return true
  if (String(event.distinct_id ?? '').toLowerCase().includes(text)) return true
  if (event.properties && JSON.stringify(event.properties).toLowerCase().includes(text)) return true
  if (result.output?.properties && JSON.stringify(result.output.properties).toLowerCase().includes(text)) return true
  if (logsOf(result).some((log) => log.message.toLowerCase().includes(text))) return true
  // Errors too: searching for an error's text finds the events it happened on.
  return [result.error, ...result.stages.map((stage) => stage.error)].some((error) => !!error && error.toLowerCase().includes(text))
}

/** Indexes of the run's events that match, in order. */
export function filterRun(results: Record<number, EventResult>, filter: RunFilter): number[] {
  const indexes = Object.keys(results)
    .map(Number)
    .sort((a, b) => a - b)
  return indexes.filter((index) => matches(results[index], filter))
}
