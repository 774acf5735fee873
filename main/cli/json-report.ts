// `run --json`: exactly one JSON object on stdout (DESIGN.md §5), written as the run goes. Beyond
// the contract's keys it carries each event's stages (per plugin method: output, error, logs,
// duration, cache/storage ops), droppedBy, teardown, and a summary. Secret config values are masked
// in logs and error texts.
import type { LogEntry, PluginEvent } from '../../common/plugin/event.ts'
import type { EventResult, StageResult } from '../../common/protocol/runtime.ts'
import type { Reporter, RunHead, RunTail } from './run-outcome.ts'

export function createJsonReporter(mask: (text: string) => string): Reporter {
  const logs = (entries: LogEntry[]) => entries.map((log) => ({ ...log, message: mask(log.message) }))
  const error = (text: string | null | undefined) => (text == null ? null : mask(text))
  const stage = (s: StageResult) => ({ ...s, error: error(s.error), errorDetail: undefined, logs: logs(s.logs) })
  const summary = { events: 0, dropped: 0, errors: 0, setupErrors: 0 }
  return {
    head(run: RunHead) {
      summary.setupErrors = run.setup.filter((s) => s.error !== null).length
      const plugins = run.plugins.map((p, i) => ({ index: i + 1, plugin: p.id, name: p.json.name, dir: p.dir, attachments: p.attachments }))
      const setup = run.setup.map((s) => ({ plugin: s.plugin, name: s.name, error: error(s.error), logs: logs(s.logs), state: s.setup, capabilities: s.capabilities }))
      return `{"plugins":${JSON.stringify(plugins)},"setup":${JSON.stringify(setup)},"results":[`
    },
    event(index: number, input: PluginEvent, r: EventResult) {
      summary.events++
      if (r.output === null) summary.dropped++
      if (r.error !== null) summary.errors++
      const entry = {
        input,
        output: r.output,
        error: error(r.error),
        logs: logs(r.logs),
        droppedBy: r.droppedBy,
        durationMs: round(r.stages.reduce((sum, s) => sum + s.durationMs, 0)),
        stages: r.stages.map(stage),
      }
      return `${index === 0 ? '' : ','}${JSON.stringify(entry)}`
    },
    tail(run: RunTail) {
      const teardown = run.teardown.map((t) => ({ plugin: t.plugin, error: error(t.error), logs: logs(t.logs) }))
      const crashes = run.crashes.map((c) => ({ message: mask(c.message), lost: c.lost }))
      const clock = run.clock ? { ...run.clock, logs: logs(run.clock.logs) } : null
      const r = run.records
      // Side effects, each record with `time` (the runtime clock's ISO time); texts masked like the logs.
      const records = {
        captured: r?.captured ?? [],
        exported: (r?.exported ?? []).map((e) => ({ ...e, error: e.error === undefined ? undefined : mask(e.error) })),
        exportMetrics: r?.exportMetrics ?? {},
        fetches: (r?.fetches ?? []).map((f) => ({ ...f, url: mask(f.url), error: f.error === undefined ? undefined : mask(f.error), responseBodyPreview: f.responseBodyPreview === null ? null : mask(f.responseBodyPreview) })),
        jobs: (r?.jobs ?? []).map((j) => ({ ...j, error: j.error === undefined ? undefined : mask(j.error) })),
        scheduled: (r?.scheduled ?? []).map((s) => ({ ...s, error: s.error === undefined ? undefined : mask(s.error) })),
        apiCalls: r?.apiCalls ?? [],
      }
      const tail = `,"clock":${JSON.stringify(clock)},"captured":${JSON.stringify(records.captured)},"exported":${JSON.stringify(records.exported)},"exportMetrics":${JSON.stringify(records.exportMetrics)},"fetches":${JSON.stringify(records.fetches)},"jobs":${JSON.stringify(records.jobs)},"scheduled":${JSON.stringify(records.scheduled)},"apiCalls":${JSON.stringify(records.apiCalls)}`
      return `],"teardown":${JSON.stringify(teardown)},"crashes":${JSON.stringify(crashes)}${tail},"summary":${JSON.stringify({ ...summary, durationMs: round(run.durationMs) })}}\n`
    },
  }
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000
}
