// PostHog's exportEvents upgrade (worker/vm/upgrades/export-events.ts + the export buffer) as a
// host-side engine on the runtime's clock:
// - limits from config exportEventsBufferBytes / exportEventsBufferSeconds through stringClamp,
//   events named in exportEventsToIgnore skipped, each event weighing JSON.stringify(event).length;
// - add: flush first if the event would overflow a non-empty buffer, push, flush if now over the
//   limit, else arm the time flush (one timer per buffer, cleared by every flush);
// - flush → exportEventsWithRetry({batch, batchId, retriesPerformedSoFar: 0}); a RetryError re-enqueues
//   the batch as the job exportEventsWithRetry in 2^(n+1)·3 s (6, 12, 24 s) until MAXIMUM_RETRIES,
//   then drops it; other errors are rethrown (the job queue records them; a direct flush records them);
// - teardown flushes.
// Difference, on purpose: PostHog's flush does not wait for the export (promise manager); here it
// does, so each clock step leaves a settled state.
import type { Clock, TimerId } from './clock.ts'
import type { JobQueue } from './jobs.ts'
import type { EngineSink, PluginRef } from './plugin-error.ts'
import { logEntry, processError } from './plugin-error.ts'
import { exportBatchDropped, exportRetryEnqueued } from './posthog-messages.ts'
import { isRetryError } from './retry.ts'

export interface ExportConstants {
  label: string
  maximumRetries: number
  bytesDefault: number
  bytesMinimum: number
  bytesMaximum: number
  secondsDefault: number
  secondsMinimum: number
  secondsMaximum: number
}

const MiB = 1024 * 1024

/** PH-2022 as of 2022-08-12 (upstream 0817564): the studio's default. */
export const EXPORT_CONSTANTS_PH_2022: ExportConstants = Object.freeze({
  label: 'PH-2022 (2022-08-12)',
  maximumRetries: 3,
  bytesDefault: 20 * MiB,
  bytesMinimum: 1,
  bytesMaximum: 100 * MiB,
  secondsDefault: 60,
  secondsMinimum: 1,
  secondsMaximum: 600,
})

/** After PR #11305 (2022-08-15): 1 MiB / 10 s. */
export const EXPORT_CONSTANTS_LATE_2022: ExportConstants = Object.freeze({ ...EXPORT_CONSTANTS_PH_2022, label: 'late 2022 (PR #11305)', bytesDefault: MiB, secondsDefault: 10 })

/** 2023: 900 KiB / 10 s. */
export const EXPORT_CONSTANTS_2023: ExportConstants = Object.freeze({ ...EXPORT_CONSTANTS_LATE_2022, label: '2023', bytesDefault: 900 * 1024 })

/** PS-2021 standalone plugin server: 15 retries, 1 MiB / 10 s. Its retry delays were 2^n·3 s; this engine always uses 2^(n+1)·3 s. */
export const EXPORT_CONSTANTS_PS_2021: ExportConstants = Object.freeze({ ...EXPORT_CONSTANTS_LATE_2022, label: 'PS-2021', maximumRetries: 15 })

export { EXPORT_EVENTS_JOB } from './sandbox/sandbox.constants.ts'
import { EXPORT_EVENTS_JOB } from './sandbox/sandbox.constants.ts'

/** PostHog's stringClamp: clamp(parseInt(value) || default, min, max) — NaN and 0 mean the default. */
export function stringClamp(value: unknown, defaultValue: number, minimum: number, maximum: number): number {
  const parsed = parseInt(String(value), 10) || defaultValue
  return Math.max(minimum, Math.min(parsed, maximum))
}

/** exportEventsToIgnore: comma-separated event names, trimmed. */
export function eventsToIgnore(value: unknown): Set<string> {
  return new Set(value ? String(value).split(',').map((e) => e.trim()) : [])
}

export function exportLimits(config: Record<string, unknown>, constants: ExportConstants = EXPORT_CONSTANTS_PH_2022): { bytes: number; seconds: number } {
  return {
    bytes: stringClamp(config.exportEventsBufferBytes, constants.bytesDefault, constants.bytesMinimum, constants.bytesMaximum),
    seconds: stringClamp(config.exportEventsBufferSeconds, constants.secondsDefault, constants.secondsMinimum, constants.secondsMaximum),
  }
}

/** Seconds before retry number `retriesPerformedSoFar + 1`: 6, 12, 24, 48 … */
export function exportRetrySeconds(retriesPerformedSoFar: number): number {
  return 2 ** (retriesPerformedSoFar + 1) * 3
}

export interface ExportEventsJobPayload {
  batch: unknown[]
  batchId: number
  retriesPerformedSoFar: number
}

/** Counted in events, per plugin config. `retried`: events whose batch was re-enqueued (once per retry). */
export interface ExportMetrics {
  delivered: number
  retried: number
  failed: number
}

export interface ExportBatchRecord {
  batchId: number
  size: number
  attempt: number
  time: number
  outcome: 'delivered' | 'retry' | 'dropped' | 'error'
  nextRetryAt?: number
  error?: string
}

export interface ExportBufferOptions {
  clock: Clock
  plugin: PluginRef
  /** The plugin config (strings, as PostHog passes them). */
  config: Record<string, unknown>
  constants?: ExportConstants
  /** Calls the plugin's exportEvents(batch) with meta. */
  exportEvents(batch: unknown[]): Promise<unknown>
  /** The plugin's job queue: the buffer registers exportEventsWithRetry on it. */
  jobs: JobQueue
  sink: EngineSink
  /** Random source for batch ids (PostHog: Math.floor(Math.random() * 1000000)). */
  random?: () => number
  onBatch?(record: ExportBatchRecord): void
}

export interface ExportBuffer {
  readonly limits: { bytes: number; seconds: number }
  readonly ignored: ReadonlySet<string>
  /** The onEvent wrapper's part: buffers the event unless its name is ignored. Call before the plugin's own onEvent. */
  add(event: { event?: unknown }): Promise<boolean>
  flush(): Promise<void>
  /** teardownPlugin wrapper's part: flush (the caller runs the plugin's teardownPlugin alongside). */
  teardown(): Promise<void>
  /** The job body (also registered on the job queue). Rethrows errors other than RetryError. */
  exportEventsWithRetry(payload: ExportEventsJobPayload): Promise<void>
  metrics(): ExportMetrics
  /** What is waiting in the buffer, and when the time flush is due. */
  pending(): { events: number; bytes: number; flushAt: number | null }
  /** The events waiting in the buffer (copies of the list, not of the events). */
  contents(): unknown[]
  batches(): ExportBatchRecord[]
}

export function createExportBuffer(options: ExportBufferOptions): ExportBuffer {
  const { clock, plugin, sink, jobs } = options
  const constants = options.constants ?? EXPORT_CONSTANTS_PH_2022
  const limits = exportLimits(options.config, constants)
  const ignored = eventsToIgnore(options.config.exportEventsToIgnore)
  const random = options.random ?? Math.random
  const metrics: ExportMetrics = { delivered: 0, retried: 0, failed: 0 }
  const records: ExportBatchRecord[] = []
  let buffer: unknown[] = []
  let points = 0
  let timeout: { timer: TimerId; at: number } | null = null

  function note(record: ExportBatchRecord): void {
    records.push(record)
    options.onBatch?.({ ...record })
  }

  async function exportEventsWithRetry(payload: ExportEventsJobPayload): Promise<void> {
    const size = payload.batch.length
    const attempt = payload.retriesPerformedSoFar + 1
    try {
      await options.exportEvents(payload.batch)
      metrics.delivered += size
      note({ batchId: payload.batchId, size, attempt, time: clock.now(), outcome: 'delivered' })
    } catch (error) {
      if (!isRetryError(error)) {
        metrics.failed += size
        note({ batchId: payload.batchId, size, attempt, time: clock.now(), outcome: 'error', error: String((error as Error)?.message ?? error) })
        throw error
      }
      if (payload.retriesPerformedSoFar < constants.maximumRetries) {
        const nextRetrySeconds = exportRetrySeconds(payload.retriesPerformedSoFar)
        const retry = payload.retriesPerformedSoFar + 1
        const job = jobs.enqueue(EXPORT_EVENTS_JOB, { ...payload, retriesPerformedSoFar: retry }, clock.now() + nextRetrySeconds * 1000)
        metrics.retried += size
        note({ batchId: payload.batchId, size, attempt, time: clock.now(), outcome: 'retry', nextRetryAt: job?.runAt, error: String((error as Error)?.message ?? '') })
        sink.log(logEntry(plugin, 'info', 'SYSTEM', exportRetryEnqueued(plugin.configId, payload.batchId, retry, nextRetrySeconds), clock.now()))
      } else {
        metrics.failed += size
        note({ batchId: payload.batchId, size, attempt, time: clock.now(), outcome: 'dropped', error: String((error as Error)?.message ?? '') })
        sink.log(logEntry(plugin, 'info', 'SYSTEM', exportBatchDropped(plugin.configId, payload.batchId, payload.retriesPerformedSoFar), clock.now()))
      }
    }
  }

  jobs.registerHostJob(EXPORT_EVENTS_JOB, (payload) => exportEventsWithRetry(payload as ExportEventsJobPayload))

  function clearTimeout(): void {
    if (timeout) clock.cancel(timeout.timer)
    timeout = null
  }

  async function flush(): Promise<void> {
    clearTimeout()
    if (buffer.length === 0) return
    const batch = buffer
    buffer = []
    points = 0
    const payload: ExportEventsJobPayload = { batch, batchId: Math.floor(random() * 1000000), retriesPerformedSoFar: 0 }
    try {
      // The first export runs directly, not through the job queue.
      await exportEventsWithRetry(payload)
    } catch (error) {
      // PostHog's buffer swallows it (the server must not crash); the studio records it as processError.
      processError(sink, plugin, clock.now(), error)
    }
  }

  async function add(event: { event?: unknown }): Promise<boolean> {
    if (ignored.has(String(event.event))) return false
    const size = JSON.stringify(event).length
    if (points > 0 && points + size > limits.bytes) await flush()
    buffer.push(event)
    points += size
    if (points > limits.bytes) await flush()
    else if (!timeout) {
      const at = clock.now() + limits.seconds * 1000
      timeout = { at, timer: clock.at(at, () => flush(), 'exportEvents buffer flush') }
    }
    return true
  }

  return {
    limits,
    ignored,
    add,
    flush,
    teardown: flush,
    exportEventsWithRetry,
    metrics: () => ({ ...metrics }),
    pending: () => ({ events: buffer.length, bytes: points, flushAt: timeout?.at ?? null }),
    contents: () => buffer.slice(),
    batches: () => records.map((r) => ({ ...r })),
  }
}
