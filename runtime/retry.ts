// PostHog's RetryError back-off (PH-2022), scheduled on the runtime's clock:
// - setupPlugin (worker/vm/lazy.ts): VM_INIT_MAX_RETRIES = 5 attempts, 5 s × 2^(attempt-1) between
//   them, the "Retrying in N s..." and "Disabled the app!" log lines; any other error disables at once.
// - onEvent/onSnapshot (worker/plugins/run.ts runRetriableFunction): 5 attempts, 5 s base, ×2; the
//   first attempt is awaited, later ones run on the clock without holding up the event; the error gets
//   `_attempt`/`_maxAttempts`; the final failure (or any non-RetryError) goes through processError.
import type { Clock, TimerId } from './clock.ts'
import type { EngineSink, PluginRef } from './plugin-error.ts'
import { logEntry, processError } from './plugin-error.ts'
import { STUDIO_retryScheduled, setupPluginDisabled, setupPluginRetrying, setupPluginSucceeded } from './posthog-messages.ts'

export const VM_INIT_MAX_RETRIES = 5
export const INITIALIZATION_RETRY_BASE_MS = 5000
export const INITIALIZATION_RETRY_MULTIPLIER = 2
export const ON_EVENT_MAX_ATTEMPTS = 5
export const ON_EVENT_RETRY_BASE_MS = 5000
export const ON_EVENT_RETRY_MULTIPLIER = 2

export function getNextRetryMs(baseMs: number, multiplier: number, attempt: number): number {
  return baseMs * multiplier ** (attempt - 1)
}

/**
 * A RetryError from @posthog/plugin-scaffold, host-side or as it crosses from the isolate
 * (`{name, message, isRetry}`). PH-2022's TimeoutError extends RetryError, so it counts too.
 */
export function isRetryError(error: unknown): boolean {
  if (error === null || typeof error !== 'object') return false
  const e = error as { name?: unknown; isRetry?: unknown }
  return e.isRetry === true || e.name === 'RetryError' || e.name === 'TimeoutError'
}

/**
 * `${error}` as PostHog writes it: RetryError.toString adds "(attempt n/max)" once the system set
 * _attempt/_maxAttempts; other errors use Error.prototype.toString; thrown strings stay as they are.
 */
export function errorToString(error: unknown): string {
  if (typeof error === 'string') return error
  if (error === null || typeof error !== 'object') return String(error)
  const e = error as { name?: unknown; message?: unknown; _attempt?: unknown; _maxAttempts?: unknown }
  let name = typeof e.name === 'string' ? e.name : 'Error'
  const message = typeof e.message === 'string' ? e.message : e.message === undefined ? '' : String(e.message)
  if (isRetryError(error) && e._attempt !== undefined && e._maxAttempts !== undefined) name = `${name} (attempt ${e._attempt}/${e._maxAttempts})`
  if (!name) return message
  return message ? `${name}: ${message}` : name
}

/** Sets RetryError's system fields where the error object lets us (isolate errors arrive as plain copies). */
function markAttempt(error: unknown, attempt: number, maxAttempts: number): void {
  if (!isRetryError(error) || error === null || typeof error !== 'object' || Object.isFrozen(error)) return
  try {
    Object.assign(error, { _attempt: attempt, _maxAttempts: maxAttempts })
  } catch {}
}

// ---- setupPlugin --------------------------------------------------------------------------------

export type SetupState = 'not-started' | 'retrying' | 'ready' | 'errored'

export interface SetupAttempt {
  attempt: number
  time: number
  outcome: 'ok' | 'retry' | 'fatal'
  error?: string
  nextRetryAt?: number
}

export interface SetupRetrierOptions {
  clock: Clock
  plugin: PluginRef
  /** PostHog's instance id, printed in the log lines. */
  instanceId: string
  /** Calls the plugin's setupPlugin (or does nothing when it has none). */
  runSetup(): Promise<unknown>
  sink: EngineSink
  /** PH-2022 disables the plugin config (and mails its owners) on a fatal setup error. */
  onDisabled?(error: unknown): void
  maxAttempts?: number
  retryBaseMs?: number
  retryMultiplier?: number
}

export interface SetupRetrier {
  /**
   * PostHog's setupPluginIfNeeded: false once errored; otherwise makes an attempt unless ready and
   * returns true — also while a retry is pending, as PostHog does (the plugin's methods are then used).
   */
  setupPluginIfNeeded(): Promise<boolean>
  /** One `_setupPlugin` attempt now; a pending retry timer is cleared first (clearRetryTimeoutIfExists). */
  attempt(): Promise<SetupState>
  state(): SetupState
  attempts(): SetupAttempt[]
  nextRetryAt(): number | null
  /** Resolves once setup is ready or errored. */
  settled(): Promise<'ready' | 'errored'>
  /** Unload: no further retries. */
  cancel(): void
}

export function createSetupRetrier(options: SetupRetrierOptions): SetupRetrier {
  const { clock, plugin, sink, instanceId } = options
  const maxAttempts = options.maxAttempts ?? VM_INIT_MAX_RETRIES
  const baseMs = options.retryBaseMs ?? INITIALIZATION_RETRY_BASE_MS
  const multiplier = options.retryMultiplier ?? INITIALIZATION_RETRY_MULTIPLIER
  let state: SetupState = 'not-started'
  let counter = 0
  let retry: { timer: TimerId; at: number } | null = null
  const history: SetupAttempt[] = []
  let resolveSettled!: (s: 'ready' | 'errored') => void
  const settled = new Promise<'ready' | 'errored'>((resolve) => (resolveSettled = resolve))

  function clearRetry(): void {
    if (retry) clock.cancel(retry.timer)
    retry = null
  }

  async function attempt(): Promise<SetupState> {
    if (state === 'ready' || state === 'errored') return state
    counter++
    const attemptNo = counter
    const time = clock.now()
    try {
      await options.runSetup()
      clearRetry()
      state = 'ready'
      history.push({ attempt: attemptNo, time, outcome: 'ok' })
      sink.log(logEntry(plugin, 'debug', 'SYSTEM', setupPluginSucceeded(instanceId), clock.now()))
      resolveSettled('ready')
    } catch (error) {
      clearRetry()
      markAttempt(error, attemptNo, maxAttempts)
      const text = errorToString(error)
      if (isRetryError(error) && attemptNo < maxAttempts) {
        const nextRetryMs = getNextRetryMs(baseMs, multiplier, attemptNo)
        const at = clock.now() + nextRetryMs
        state = 'retrying'
        history.push({ attempt: attemptNo, time, outcome: 'retry', error: text, nextRetryAt: at })
        sink.log(logEntry(plugin, 'error', 'SYSTEM', setupPluginRetrying(text, instanceId, nextRetryMs), clock.now()))
        retry = { at, timer: clock.at(at, () => attempt(), 'setupPlugin retry') }
      } else {
        state = 'errored'
        history.push({ attempt: attemptNo, time, outcome: 'fatal', error: text })
        processError(sink, plugin, clock.now(), error)
        options.onDisabled?.(error)
        sink.log(logEntry(plugin, 'error', 'SYSTEM', setupPluginDisabled(text, instanceId), clock.now()))
        resolveSettled('errored')
      }
    }
    return state
  }

  return {
    async setupPluginIfNeeded() {
      if (state === 'errored') return false
      if (state !== 'ready') await attempt()
      return (state as SetupState) !== 'errored'
    },
    attempt,
    state: () => state,
    attempts: () => history.map((a) => ({ ...a })),
    nextRetryAt: () => retry?.at ?? null,
    settled: () => settled,
    cancel: clearRetry,
  }
}

// ---- onEvent / onSnapshot -------------------------------------------------------------------------

export interface RetriableOutcome {
  status: 'succeeded' | 'failed'
  attempts: number
  /** The error of the last attempt when failed. */
  error?: unknown
}

export interface RetriableFunctionOptions {
  clock: Clock
  plugin: PluginRef
  sink: EngineSink
  /** 'onEvent' or 'onSnapshot': names the studio's retry line. */
  tag: string
  /** The event, for processError's record. */
  event?: unknown
  tryFn(attempt: number): Promise<unknown>
  catchFn?(error: unknown): Promise<void> | void
  finallyFn?(attempts: number): Promise<void> | void
  maxAttempts?: number
  retryBaseMs?: number
  retryMultiplier?: number
}

export interface RetriableRun {
  /** The first attempt's result: later attempts run on the clock. */
  firstAttempt: 'succeeded' | 'retrying' | 'failed'
  /** Resolves when the last attempt has run. */
  done: Promise<RetriableOutcome>
  /** Times of the attempts still to come (one at a time; the next one only). */
  nextRetryAt(): number | null
  cancel(): void
}

/** runRetriableFunction: resolves after the first attempt; the retries are clock timers. */
export async function runRetriableFunction(options: RetriableFunctionOptions): Promise<RetriableRun> {
  const { clock, plugin, sink } = options
  const maxAttempts = options.maxAttempts ?? ON_EVENT_MAX_ATTEMPTS
  const baseMs = options.retryBaseMs ?? ON_EVENT_RETRY_BASE_MS
  const multiplier = options.retryMultiplier ?? ON_EVENT_RETRY_MULTIPLIER
  let next: { timer: TimerId; at: number } | null = null
  let attempts = 0
  let resolveDone!: (o: RetriableOutcome) => void
  const done = new Promise<RetriableOutcome>((resolve) => (resolveDone = resolve))

  async function finish(outcome: RetriableOutcome): Promise<void> {
    try {
      await options.finallyFn?.(outcome.attempts)
    } finally {
      resolveDone(outcome)
    }
  }

  async function iterate(attempt: number): Promise<'succeeded' | 'retrying' | 'failed'> {
    next = null
    attempts = attempt
    try {
      await options.tryFn(attempt)
    } catch (error) {
      markAttempt(error, attempt, maxAttempts)
      if (isRetryError(error) && attempt < maxAttempts) {
        const nextRetryMs = getNextRetryMs(baseMs, multiplier, attempt)
        const at = clock.now() + nextRetryMs
        sink.log(logEntry(plugin, 'info', 'SYSTEM', STUDIO_retryScheduled(options.tag, errorToString(error), nextRetryMs), clock.now()))
        next = { at, timer: clock.at(at, () => iterate(attempt + 1), `${options.tag} retry`) }
        return 'retrying'
      }
      try {
        await options.catchFn?.(error)
      } finally {
        processError(sink, plugin, clock.now(), error, options.event)
        await finish({ status: 'failed', attempts: attempt, error })
      }
      return 'failed'
    }
    await finish({ status: 'succeeded', attempts: attempt })
    return 'succeeded'
  }

  const firstAttempt = await iterate(1)
  return {
    firstAttempt,
    done,
    nextRetryAt: () => next?.at ?? null,
    cancel() {
      if (!next) return
      clock.cancel(next.timer)
      next = null
      void finish({ status: 'failed', attempts, error: new Error(`${options.tag} retries were cancelled (the plugin was unloaded)`) })
    },
  }
}
