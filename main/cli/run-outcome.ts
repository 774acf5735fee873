// What one `plugin-studio run` produced, as both reports (JSON and human) read it.
import type { PluginEvent } from '../../common/plugin/event.ts'
import type { EventResult, PluginLoadResult, TeardownResult } from '../../common/protocol/runtime.ts'
import type { PluginFolder } from './plugin-folders.ts'

export interface RunOutcome {
  plugins: (PluginFolder & { config: Record<string, string>; attachments: string[] })[]
  eventsFile: string
  /** The events exactly as read from the file. */
  events: PluginEvent[]
  setup: PluginLoadResult[]
  results: EventResult[]
  teardown: TeardownResult['teardown']
  /** Runtime process crashes the supervisor reported while the run went on. */
  crashes: { message: string; lost: string[] }[]
  durationMs: number
  /** Masks secret config values in anything printed. */
  mask: (text: string) => string
}
