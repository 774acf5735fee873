// posthog.capture events fed back through the pipeline (PostHog sends them to ingestion, where they
// meet every plugin again), one generation at a time, with the loop guard: a captured event deeper
// than the limit, or past MAX_FED_PER_CALL in one call, is kept in the records but not fed.
import type { LogEntry, PluginEvent } from '../common/plugin/event.ts'
import type { CapturedRecord, EventResult, WireEventResult } from '../common/protocol/runtime.ts'
import { annotate } from '../common/protocol/runtime.ts'
import { captureLoopMessage, MAX_FED_PER_CALL } from './capture.ts'
import type { RecordBook } from './pipeline-records.ts'

export interface FeedContext {
  book: RecordBook
  limit: number
  pluginName(id: string): string
  now(): number
  log(entry: LogEntry): void
  /** Runs events through the pipeline as captures of depth `depth` (their own captures get depth + 1). */
  process(events: PluginEvent[], depth: number): Promise<Pick<EventResult & { annotations?: WireEventResult['annotations'] }, 'output' | 'annotations' | 'error' | 'droppedBy'>[]>
}

export async function feedCaptured(ctx: FeedContext): Promise<CapturedRecord[]> {
  let fed = 0
  for (;;) {
    const pending = ctx.book.captured.filter((c) => c.fed === 'pending')
    if (pending.length === 0) break
    const depth = Math.min(...pending.map((c) => c.depth))
    const allowed: CapturedRecord[] = []
    for (const c of pending.filter((p) => p.depth === depth)) {
      if (c.depth > ctx.limit || fed >= MAX_FED_PER_CALL) {
        c.fed = 'stopped'
        c.error = captureLoopMessage(ctx.pluginName(c.plugin), c.event.event, c.depth, ctx.limit)
        ctx.log({ level: 'error', source: 'SYSTEM', message: c.error, plugin: c.plugin, time: ctx.now() })
      } else {
        c.fed = 'fed'
        allowed.push(c)
        fed++
      }
    }
    if (allowed.length === 0) continue
    const results = await ctx.process(allowed.map((c) => c.event), depth)
    results.forEach((r, i) => {
      const output = r.output && r.annotations ? annotate(r.output, r.annotations) : r.output
      allowed[i].result = { output, error: r.error, droppedBy: r.droppedBy }
    })
  }
  return ctx.book.captured.map((c) => ({ ...c }))
}
