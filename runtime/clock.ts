// The runtime's clock. Every time-based behaviour (scheduled tasks, jobs, export buffers, RetryError
// back-off) reads it instead of Date.now(), so in the studio and in tests time moves only when asked:
// `advance(ms)` or `runUntilIdle()` fire the due timers in time order, awaiting each callback before
// the next, which makes the resulting state deterministic. The realtime clock has the same API but
// follows the wall clock with real timers, for watching an exporter run for real.

export type TimerId = number
export type ClockMode = 'virtual' | 'realtime'

export interface PendingTimer {
  id: TimerId
  /** When it fires, in ms since the epoch. */
  time: number
  /** What scheduled it, for the state inspector ("runEveryMinute", "job exportEventsWithRetry", …). */
  label: string
  /** A recurring timer (the cron schedule) that runUntilIdle does not wait for. */
  background: boolean
}

export interface TimerOptions {
  /** True for timers that re-arm forever (scheduled tasks): "idle" means only these are left. */
  background?: boolean
}

export interface StepResult {
  /** Timers fired during the call, in the order they fired. */
  fired: PendingTimer[]
  /** Callbacks that threw or rejected; the clock carries on with the next timer. */
  errors: { timer: PendingTimer; error: unknown }[]
  /** True when a bound (maxSteps / maxMs) stopped the run before the queue was empty. */
  truncated: boolean
  now: number
}

export interface AdvanceOptions {
  /** At most this many timers (default 10 000); the result says `truncated` and time stops at the last one fired. */
  maxSteps?: number
  /** Virtual: fire no further timer once this much wall time has gone by (each firing may be a plugin call); `truncated` as with maxSteps. */
  maxWallMs?: number
}

export interface RunUntilIdleOptions {
  /** At most this many timers (default 10 000): a task that re-arms itself forever cannot hang the caller. */
  maxSteps?: number
  /** Virtual: do not move time more than this far ahead. Realtime: do not wait longer than this (default 60 s). */
  maxMs?: number
  /** Virtual: fire no further timer once this much wall time has gone by; `truncated` as with maxSteps. */
  maxWallMs?: number
}

export interface Clock {
  readonly mode: ClockMode
  now(): number
  /** Runs `fn` at `time` (a time in the past fires on the next step, without moving time back). */
  at(time: number, fn: () => unknown, label?: string, options?: TimerOptions): TimerId
  after(ms: number, fn: () => unknown, label?: string, options?: TimerOptions): TimerId
  cancel(id: TimerId): boolean
  /** Virtual: moves time forward by `ms`, firing what falls due. Realtime: waits `ms` of wall time. */
  advance(ms: number, options?: AdvanceOptions): Promise<StepResult>
  /** Fires timers (including ones the callbacks add) until only background timers are left, or a bound is hit. */
  runUntilIdle(options?: RunUntilIdleOptions): Promise<StepResult>
  pending(): PendingTimer[]
  /** Cancels every timer. */
  dispose(): void
}

export const DEFAULT_MAX_STEPS = 10_000
const MAX_TIMEOUT_MS = 2 ** 31 - 1
const DEFAULT_REALTIME_IDLE_MS = 60_000

interface Entry extends PendingTimer {
  seq: number
  fn: () => unknown
}

function checkTime(value: number, what: string): void {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new Error(`${what} must be a finite number of milliseconds, not ${String(value)}`)
}

/** Timers ordered by time, then by the order they were scheduled in. */
function byTime(a: Entry, b: Entry): number {
  return a.time - b.time || a.seq - b.seq
}

function publicTimer(entry: Entry): PendingTimer {
  return { id: entry.id, time: entry.time, label: entry.label, background: entry.background }
}

function foreground(timers: Iterable<Entry>): Entry[] {
  return [...timers].filter((t) => !t.background)
}

export interface VirtualClockOptions {
  /** Start time in ms since the epoch (default 2022-08-12T00:00:00Z, PH-2022's date: a fixed, reproducible start). */
  start?: number
}

export const DEFAULT_VIRTUAL_START = Date.UTC(2022, 7, 12)

export function createVirtualClock(options: VirtualClockOptions = {}): Clock {
  let current = options.start ?? DEFAULT_VIRTUAL_START
  checkTime(current, 'The clock start')
  const timers = new Map<TimerId, Entry>()
  let nextId = 1
  let seq = 0
  let stepping = false

  function schedule(time: number, fn: () => unknown, label: string, options: TimerOptions = {}): TimerId {
    checkTime(time, 'A timer time')
    if (typeof fn !== 'function') throw new Error('A timer callback must be a function')
    const id = nextId++
    timers.set(id, { id, time, label, background: options.background === true, seq: seq++, fn })
    return id
  }

  function earliest(): Entry | undefined {
    let best: Entry | undefined
    for (const entry of timers.values()) if (!best || byTime(entry, best) < 0) best = entry
    return best
  }

  /**
   * Fires due timers one at a time until `limit` (inclusive) or a bound; then time stands at `endAt`.
   * `untilIdle`: stop as soon as only background timers are left.
   */
  async function step(limit: number, maxSteps: number, endAt: number | null, untilIdle = false, maxWallMs = Infinity): Promise<StepResult> {
    if (stepping) {
      throw new Error('The clock is already being advanced: advance/runUntilIdle cannot run inside a timer callback or alongside another advance')
    }
    stepping = true
    const result: StepResult = { fired: [], errors: [], truncated: false, now: current }
    const wallStart = performance.now()
    try {
      for (;;) {
        if (untilIdle && foreground(timers.values()).length === 0) break
        const next = earliest()
        if (!next || next.time > limit) break
        if (result.fired.length >= maxSteps || performance.now() - wallStart > maxWallMs) {
          result.truncated = true
          break
        }
        timers.delete(next.id)
        current = Math.max(current, next.time)
        const timer = publicTimer(next)
        result.fired.push(timer)
        try {
          await next.fn()
        } catch (error) {
          result.errors.push({ timer, error })
        }
      }
      if (endAt !== null && !result.truncated) current = Math.max(current, endAt)
    } finally {
      stepping = false
    }
    result.now = current
    return result
  }

  return {
    mode: 'virtual',
    now: () => current,
    at: (time, fn, label = 'timer', options) => schedule(time, fn, label, options),
    after: (ms, fn, label = 'timer', options) => {
      checkTime(ms, 'A delay')
      return schedule(current + Math.max(0, ms), fn, label, options)
    },
    cancel: (id) => timers.delete(id),
    advance(ms, opts = {}) {
      try {
        checkTime(ms, 'advance')
        if (ms < 0) throw new Error(`advance needs a duration of 0 ms or more, not ${ms}`)
      } catch (error) {
        return Promise.reject(error)
      }
      const target = current + ms
      return step(target, opts.maxSteps ?? DEFAULT_MAX_STEPS, target, false, opts.maxWallMs)
    },
    runUntilIdle(opts = {}) {
      const limit = opts.maxMs === undefined ? Infinity : current + opts.maxMs
      return step(limit, opts.maxSteps ?? DEFAULT_MAX_STEPS, null, true, opts.maxWallMs).then((result) => {
        // Stopped by maxMs with foreground timers still waiting beyond it: say so, as with maxSteps.
        if (!result.truncated && foreground(timers.values()).length > 0) result.truncated = true
        return result
      })
    },
    pending: () => [...timers.values()].sort(byTime).map(publicTimer),
    dispose: () => timers.clear(),
  }
}

export interface RealtimeClockOptions {
  /** The wall clock (default Date.now); injectable for tests. */
  wallClock?: () => number
}

/**
 * Follows the wall clock with real timers. Callbacks are not serialised (as in the real plugin
 * server, a slow scheduled task does not hold up an export flush); `advance`/`runUntilIdle` wait for
 * wall time to pass and for the callbacks fired meanwhile to settle.
 */
export function createRealtimeClock(options: RealtimeClockOptions = {}): Clock {
  const wall = options.wallClock ?? (() => Date.now())
  const timers = new Map<TimerId, Entry & { handle: ReturnType<typeof setTimeout> }>()
  const running = new Set<Promise<void>>()
  let nextId = 1
  let seq = 0
  let log: StepResult | null = null // the result the current advance/runUntilIdle collects into

  function fire(entry: Entry): void {
    timers.delete(entry.id)
    const timer = publicTimer(entry)
    const sink = log
    sink?.fired.push(timer)
    const run = (async () => {
      try {
        await entry.fn()
      } catch (error) {
        if (sink) sink.errors.push({ timer, error })
        else queueMicrotask(() => reportUnobserved(timer, error))
      }
    })()
    running.add(run)
    void run.finally(() => running.delete(run))
  }

  /** setTimeout cannot wait longer than 2^31-1 ms (~24.8 days; a job runIn(1, 'month') is 210 days): wait in legs. */
  function arm(entry: Entry & { handle: ReturnType<typeof setTimeout> }): void {
    const wait = entry.time - wall()
    entry.handle = setTimeout(() => (entry.time - wall() > 0 && wait > MAX_TIMEOUT_MS ? arm(entry) : fire(entry)), Math.max(0, Math.min(wait, MAX_TIMEOUT_MS)))
  }

  function schedule(time: number, fn: () => unknown, label: string, options: TimerOptions = {}): TimerId {
    checkTime(time, 'A timer time')
    if (typeof fn !== 'function') throw new Error('A timer callback must be a function')
    const id = nextId++
    const entry = { id, time, label, background: options.background === true, seq: seq++, fn } as Entry & { handle: ReturnType<typeof setTimeout> }
    arm(entry)
    timers.set(id, entry)
    return id
  }

  async function settle(): Promise<void> {
    while (running.size > 0) await Promise.allSettled([...running])
  }

  async function waitFor(ms: number): Promise<void> {
    await new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms)))
  }

  return {
    mode: 'realtime',
    now: () => wall(),
    at: (time, fn, label = 'timer', options) => schedule(time, fn, label, options),
    after: (ms, fn, label = 'timer', options) => {
      checkTime(ms, 'A delay')
      return schedule(wall() + Math.max(0, ms), fn, label, options)
    },
    cancel(id) {
      const entry = timers.get(id)
      if (!entry) return false
      clearTimeout(entry.handle)
      return timers.delete(id)
    },
    async advance(ms) {
      checkTime(ms, 'advance')
      if (ms < 0) throw new Error(`advance needs a duration of 0 ms or more, not ${ms}`)
      const result: StepResult = { fired: [], errors: [], truncated: false, now: wall() }
      log = result
      try {
        await waitFor(ms)
        await settle()
      } finally {
        log = null
      }
      result.now = wall()
      return result
    },
    async runUntilIdle(opts = {}) {
      const maxSteps = opts.maxSteps ?? DEFAULT_MAX_STEPS
      const deadline = wall() + (opts.maxMs ?? DEFAULT_REALTIME_IDLE_MS)
      const result: StepResult = { fired: [], errors: [], truncated: false, now: wall() }
      log = result
      try {
        for (;;) {
          await settle()
          const waiting = foreground(timers.values())
          if (waiting.length === 0) break
          if (result.fired.length >= maxSteps || wall() >= deadline) {
            result.truncated = true
            break
          }
          const next = Math.min(...waiting.map((t) => t.time))
          await waitFor(Math.min(next, deadline) - wall())
        }
      } finally {
        log = null
      }
      result.now = wall()
      return result
    },
    pending: () => [...timers.values()].sort(byTime).map(publicTimer),
    dispose() {
      for (const entry of timers.values()) clearTimeout(entry.handle)
      timers.clear()
    },
  }
}

/** An error from a realtime timer nobody is stepping: the owner (schedule, jobs…) records its own errors, so this is a bug. */
function reportUnobserved(timer: PendingTimer, error: unknown): void {
  console.error(`Plugin Studio clock: timer "${timer.label}" failed:`, error)
}

export function createClock(mode: ClockMode, options: VirtualClockOptions & RealtimeClockOptions = {}): Clock {
  return mode === 'virtual' ? createVirtualClock(options) : createRealtimeClock(options)
}
