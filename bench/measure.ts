// Timing for throughput figures: warm up, then time whole rounds over the event set, and report
// the median round (robust against GC pauses and neighbours' noise).
import type { PluginEvent } from '../common/plugin/event.ts'

export interface Measured {
  usPerEvent: number
  eventsPerSec: number
  rounds: number
  events: number
}

export interface Measurable {
  events: readonly PluginEvent[]
  /**
   * Hand each round freshly cloned events (cloned outside the timed part): plugins mutate events
   * in place, and the same objects must not be processed twice.
   */
  fresh: boolean
  process(events: PluginEvent[]): Promise<void>
}

/**
 * Measures several ways of running the same work in alternating rounds (A B C A B C …) until each
 * has had `budgetMs`, and reports each one's median round. One variant works too.
 */
export async function measureInterleaved(variants: Measurable[], options: { budgetMs: number; warmupMs: number; minRounds?: number }): Promise<Measured[]> {
  const minRounds = options.minRounds ?? 3
  const round = async (v: Measurable): Promise<number> => {
    const batch = v.fresh ? structuredClone(v.events as PluginEvent[]) : (v.events as PluginEvent[])
    const start = performance.now()
    await v.process(batch)
    return performance.now() - start
  }
  for (const v of variants) {
    const warmupEnd = performance.now() + options.warmupMs
    do await round(v)
    while (performance.now() < warmupEnd)
  }
  const times: number[][] = variants.map(() => [])
  const spent = variants.map(() => 0)
  const done = (i: number) => spent[i] >= options.budgetMs && times[i].length >= minRounds
  while (variants.some((_, i) => !done(i))) {
    for (let i = 0; i < variants.length; i++) {
      if (done(i)) continue
      const elapsed = await round(variants[i])
      times[i].push(elapsed)
      spent[i] += elapsed
    }
  }
  return variants.map((v, i) => {
    const usPerEvent = (median(times[i]) * 1000) / v.events.length
    return { usPerEvent, eventsPerSec: 1e6 / usPerEvent, rounds: times[i].length, events: v.events.length }
  })
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = sorted.length >> 1
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}
