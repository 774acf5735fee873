// What the runtime recorded since load, for `records()` and `--json` (captured, exported, fetches,
// jobs, scheduled, api calls; each with the runtime clock's ISO time), and the per-plugin time state
// the Debugger shows (`state()`): next scheduled runs, queued jobs, export buffers and metrics.
import type { ApiCallRecord, CapturedRecord, ExportRecordOut, FetchRecordOut, JobRecordOut, PluginTimeState, RuntimeRecords, RuntimeTimeState, ScheduledRecordOut } from '../common/protocol/runtime.ts'
import type { PluginEvent } from '../common/plugin/event.ts'
import type { Clock } from './clock.ts'
import type { JobRecord } from './jobs.ts'
import type { FetchRecord } from './meta/fetch-policy.ts'
import type { PluginInstance } from './plugin-instance.ts'

export const iso = (time: number): string => new Date(time).toISOString()

export function fetchOut(plugin: string, r: FetchRecord): FetchRecordOut {
  const out: FetchRecordOut = {
    time: iso(r.time),
    plugin,
    url: r.url,
    method: r.method,
    status: r.status,
    durationMs: Math.round(r.durationMs * 1000) / 1000,
    source: r.source,
    requestHeaders: r.requestHeaders,
    responseBodyPreview: r.responseBodyPreview,
  }
  if (r.error) out.error = r.error
  return out
}

function jobOut(plugin: string, j: JobRecord): JobRecordOut {
  const out: JobRecordOut = { time: iso(j.enqueuedAt), plugin, id: j.id, name: j.name, payload: j.payload ?? null, runAt: iso(j.runAt), status: j.status }
  if (j.startedAt !== undefined) out.startedAt = iso(j.startedAt)
  if (j.endedAt !== undefined) out.endedAt = iso(j.endedAt)
  if (j.error) out.error = j.error
  return out
}

/** Records that outlive an unload (the CLI reads them after teardown's flush). */
export class RecordBook {
  captured: CapturedRecord[] = []
  apiCalls: ApiCallRecord[] = []
  private frozen: RuntimeRecords | null = null

  reset(): void {
    this.captured = []
    this.apiCalls = []
    this.frozen = null
  }

  /** Keeps what the plugins' engines hold, before they go (unload). */
  freeze(plugins: PluginInstance[], clock: Clock): void {
    this.frozen = this.collect(plugins, clock)
  }

  collect(plugins: PluginInstance[], clock: Clock): RuntimeRecords {
    if (this.frozen) return this.frozen
    const exported: ExportRecordOut[] = []
    const exportMetrics: RuntimeRecords['exportMetrics'] = {}
    const fetches: FetchRecordOut[] = []
    const fetchFixtures: RuntimeRecords['fetchFixtures'] = []
    const jobs: JobRecordOut[] = []
    const scheduled: ScheduledRecordOut[] = []
    for (const p of plugins) {
      for (const r of p.meta?.fetches.records() ?? []) fetches.push(fetchOut(p.id, r))
      fetchFixtures.push(...(p.meta?.fetches.recordedFixtures() ?? []))
      const e = p.engines
      if (!e) continue
      for (const j of e.jobs.history()) jobs.push(jobOut(p.id, j))
      for (const s of e.scheduler?.history() ?? []) {
        const out: ScheduledRecordOut = { time: iso(s.startedAt), plugin: p.id, task: s.task, due: iso(s.due), trigger: s.trigger, status: s.status }
        if (s.endedAt !== undefined) out.endedAt = iso(s.endedAt)
        if (s.error) out.error = s.error
        scheduled.push(out)
      }
      if (e.buffer) {
        exportMetrics[p.id] = e.buffer.metrics()
        for (const b of e.buffer.batches()) {
          const out: ExportRecordOut = { time: iso(b.time), plugin: p.id, batchId: b.batchId, size: b.size, attempt: b.attempt, outcome: b.outcome }
          if (b.nextRetryAt !== undefined) out.nextRetryAt = iso(b.nextRetryAt)
          if (b.error) out.error = b.error
          exported.push(out)
        }
      }
    }
    const byTime = <T extends { time: string }>(list: T[]) => list.sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0))
    return {
      now: iso(clock.now()),
      captured: this.captured.map((c) => ({ ...c })),
      exported: byTime(exported),
      exportMetrics,
      fetches: byTime(fetches),
      jobs: byTime(jobs),
      scheduled: byTime(scheduled),
      apiCalls: this.apiCalls.map((a) => ({ ...a })),
      fetchFixtures,
    }
  }
}

export function timeState(plugins: PluginInstance[], clock: Clock, bufferContents: (p: PluginInstance) => PluginEvent[]): RuntimeTimeState {
  return {
    now: iso(clock.now()),
    mode: clock.mode,
    timers: clock.pending().map((t) => ({ label: t.label, time: iso(t.time), background: t.background })),
    plugins: plugins.map((p): PluginTimeState => {
      const e = p.engines
      const retryAt = e?.retrier.nextRetryAt() ?? null
      const pending = e?.buffer?.pending()
      return {
        plugin: p.id,
        setup: p.state,
        nextSetupRetryAt: retryAt === null ? null : iso(retryAt),
        scheduled: (e?.scheduler?.nextRuns() ?? []).map((r) => ({ task: r.task, at: iso(r.at), cron: r.cron })),
        runningTasks: e?.scheduler?.running() ?? [],
        queuedJobs: (e?.jobs.queued() ?? []).map((j) => jobOut(p.id, j)),
        exportBuffer:
          e?.buffer && pending
            ? { events: pending.events, bytes: pending.bytes, flushAt: pending.flushAt === null ? null : iso(pending.flushAt), limits: e.buffer.limits, contents: bufferContents(p) }
            : null,
        exportMetrics: e?.buffer ? e.buffer.metrics() : null,
      }
    }),
  }
}
