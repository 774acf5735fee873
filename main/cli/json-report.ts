// `run --json`: exactly one JSON object on stdout (DESIGN.md §5). Beyond the contract's keys it
// carries each event's stages (per plugin method: output, error, logs, duration, cache/storage ops),
// droppedBy, teardown, and a summary. Secret config values are masked in logs and error texts.
import type { LogEntry } from '../../common/plugin/event.ts'
import type { StageResult } from '../../common/protocol/runtime.ts'
import type { RunOutcome } from './run-outcome.ts'

export function jsonReport(run: RunOutcome): string {
  const { mask } = run
  const logs = (entries: LogEntry[]) => entries.map((log) => ({ ...log, message: mask(log.message) }))
  const error = (text: string | null | undefined) => (text == null ? null : mask(text))
  const stage = (s: StageResult) => ({ ...s, error: error(s.error), errorDetail: undefined, logs: logs(s.logs) })
  const report = {
    plugins: run.plugins.map((p, i) => ({ index: i + 1, plugin: p.id, name: p.json.name, dir: p.dir, attachments: p.attachments })),
    setup: run.setup.map((s) => ({ plugin: s.plugin, name: s.name, error: error(s.error), logs: logs(s.logs), state: s.setup, capabilities: s.capabilities })),
    results: run.results.map((r, i) => ({
      input: run.events[i],
      output: r.output,
      error: error(r.error),
      logs: logs(r.logs),
      droppedBy: r.droppedBy,
      durationMs: round(r.stages.reduce((sum, s) => sum + s.durationMs, 0)),
      stages: r.stages.map(stage),
    })),
    teardown: run.teardown.map((t) => ({ plugin: t.plugin, error: error(t.error), logs: logs(t.logs) })),
    crashes: run.crashes.map((c) => ({ message: mask(c.message), lost: c.lost })),
    summary: {
      events: run.results.length,
      dropped: run.results.filter((r) => r.output === null).length,
      errors: run.results.filter((r) => r.error !== null).length,
      setupErrors: run.setup.filter((s) => s.error !== null).length,
      durationMs: round(run.durationMs),
    },
  }
  return JSON.stringify(report)
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000
}
