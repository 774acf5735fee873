// PostHog's processError(hub, pluginConfig, error, event?): the error JSON written to
// posthog_pluginconfig.error and the log entry (source PLUGIN, type ERROR) that goes with it.
// Shared by the schedule, jobs, export buffer and retry engines.
import type { LogEntry, LogLevel, LogSource } from '../common/plugin/event.ts'

/** Which plugin config an engine works for. */
export interface PluginRef {
  /** The plugin's id in the pipeline (LogEntry.plugin). */
  id: string
  /** plugin.json `name`, as PostHog prints it. */
  name: string
  /** PostHog's plugin config id. */
  configId: string
}

/** posthog_pluginconfig.error: for a thrown string only `message` and `time`. */
export interface PluginErrorRecord {
  message: string
  /** ISO time, from the runtime's clock. */
  time: string
  name?: string
  stack?: string
  event?: unknown
}

/** Where the engines send what they log and the errors they record. */
export interface EngineSink {
  log(entry: LogEntry): void
  /** Called with every processError record (the studio shows the last one as the config's error). */
  onError?(record: PluginErrorRecord): void
}

/** An error as it reaches the host: an Error, a `{name, message, stack}` from the isolate, or a thrown string. */
export function toPluginError(error: unknown, time: number, event?: unknown): PluginErrorRecord {
  const iso = new Date(time).toISOString()
  if (typeof error === 'string') return { message: error, time: iso }
  if (error !== null && typeof error === 'object') {
    const e = error as { name?: unknown; message?: unknown; stack?: unknown }
    const record: PluginErrorRecord = { message: typeof e.message === 'string' ? e.message : String(e.message ?? ''), time: iso }
    if (typeof e.name === 'string') record.name = e.name
    if (typeof e.stack === 'string') record.stack = e.stack
    if (event !== undefined) record.event = event
    return record
  }
  return { message: String(error), time: iso }
}

export function logEntry(plugin: PluginRef, level: LogLevel, source: LogSource, message: string, time: number): LogEntry {
  return { level, source, message, plugin: plugin.id, time }
}

/** processError: records the error and writes the PLUGIN/ERROR log line (the stack when there is one). */
export function processError(sink: EngineSink, plugin: PluginRef, time: number, error: unknown, event?: unknown): PluginErrorRecord {
  const record = toPluginError(error, time, event)
  sink.onError?.(record)
  // An Error of this realm is the runtime's own (e.g. "Task … not found"): its stack shows host frames,
  // not the plugin's; isolate errors arrive as plain {name, message, stack} with the plugin's frames.
  const text = error instanceof Error ? errorText(error) : (record.stack ?? record.message)
  sink.log(logEntry(plugin, 'error', 'PLUGIN', text, time))
  return record
}

/** A short text for records shown to people: `Name: message`, or the thrown string. */
export function errorText(error: unknown): string {
  if (typeof error === 'string') return error
  if (error !== null && typeof error === 'object') {
    const e = error as { name?: unknown; message?: unknown }
    const name = typeof e.name === 'string' ? e.name : 'Error'
    const message = typeof e.message === 'string' ? e.message : ''
    return message ? `${name}: ${message}` : name
  }
  return String(error)
}
