// Timing for throughput figures: warm up, then time whole rounds over the event set until the
// budget is spent, and report the median round (robust against GC pauses and neighbours' noise).
import type { PluginEvent } from '../common/plugin/event.ts'

export interface MeasureOptions {
  events: readonly PluginEvent[]
  /**
   * Hand each round freshly cloned events (cloned outside the timed part): plugins mutate events
   * in place, and the same objects must not be processed twice.
   */
  fresh: boolean
  budgetMs: number
  warmupMs: number
  minRounds?: number
  process(events: PluginEvent[]): Promise<void>
}

export interface Measured {
  usPerEvent: number
  eventsPerSec: number
  rounds: number
  events: number
}

export async function measureThroughput(options: MeasureOptions): Promise<Measured> {
  const round = async (): Promise<number> => {
    const batch = options.fresh ? structuredClone(options.events as PluginEvent[]) : (options.events as PluginEvent[])
    const start = performance.now()
    await options.process(batch)
    return performance.now() - start
  }
  const warmupEnd = performance.now() + options.warmupMs
  do await round()
  while (performance.now() < warmupEnd)

  const times: number[] = []
  const end = performance.now() + options.budgetMs
  while (times.length < (options.minRounds ?? 3) || performance.now() < end) times.push(await round())
  const usPerEvent = (median(times) * 1000) / options.events.length
  return { usPerEvent, eventsPerSec: 1e6 / usPerEvent, rounds: times.length, events: options.events.length }
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = sorted.length >> 1
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

/**
 * Measures several ways of running the same work in alternating rounds (A B C A B C …) until each
 * has had `budgetMs`, and reports each one's median round.
 */
export async function measureInterleaved(
  variants: { events: readonly PluginEvent[]; fresh: boolean; process(events: PluginEvent[]): Promise<void> }[],
  options: { budgetMs: number; warmupMs: number; minRounds?: number },
): Promise<Measured[]> {
  const round = async (v: (typeof variants)[number]): Promise<number> => {
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
  while (spent.some((ms, i) => ms < options.budgetMs || times[i].length < (options.minRounds ?? 3))) {
    for (let i = 0; i < variants.length; i++) {
      if (spent[i] >= options.budgetMs && times[i].length >= (options.minRounds ?? 3)) continue
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
