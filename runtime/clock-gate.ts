// In realtime mode the clock's timers fire on their own, between runtime calls; the isolates run one
// task at a time, so each timer callback waits its turn in the runtime's call queue. A virtual clock
// fires only inside advance/runUntilIdle (already a queued call), so it is used as it is.
import type { Clock } from './clock.ts'

export type Serialize = <T>(fn: () => Promise<T>) => Promise<T>

export function gateClock(clock: Clock, serialize: Serialize): Clock {
  if (clock.mode === 'virtual') return clock
  const gated = (fn: () => unknown) => () => serialize(async () => fn())
  return {
    ...clock,
    at: (time, fn, label, options) => clock.at(time, gated(fn), label, options),
    after: (ms, fn, label, options) => clock.after(ms, gated(fn), label, options),
  }
}
