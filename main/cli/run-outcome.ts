// What one `plugin-studio run` produces, in the order it is known, so reports can be written as the
// run goes (100,000 events make a report too big to hold as one string): the head once the
// pipeline is set up, one entry per event, the tail after teardown.
import type { PluginEvent } from '../../common/plugin/event.ts'
import type { ClockReport, EventResult, PluginLoadResult, RuntimeRecords, TeardownResult } from '../../common/protocol/runtime.ts'
import type { PluginFolder } from './plugin-folders.ts'

export interface RunHead {
  plugins: (PluginFolder & { config: Record<string, string>; attachments: string[] })[]
  setup: PluginLoadResult[]
  /** How many events the run has. */
  total: number
}

export interface RunTail {
  teardown: TeardownResult['teardown']
  /** Runtime process crashes the supervisor reported while the run went on. */
  crashes: { message: string; lost: string[] }[]
  durationMs: number
  /** What `--advance` ran after the events. */
  clock?: ClockReport & { advancedMs: number }
  /** Everything the runtime recorded (read after teardown, so its flush is in). */
  records?: RuntimeRecords
}

/** A report written piece by piece; each method returns the text to write next. */
export interface Reporter {
  head(head: RunHead): string
  /** `input` is the event exactly as read from the file. */
  event(index: number, input: PluginEvent, result: EventResult): string
  tail(tail: RunTail): string
}

/** The whole report of a finished run as one string (tests, small runs). */
export function renderReport(reporter: Reporter, head: RunHead, events: PluginEvent[], results: EventResult[], tail: RunTail): string {
  return reporter.head(head) + results.map((result, i) => reporter.event(i, events[i], result)).join('') + reporter.tail(tail)
}
