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
