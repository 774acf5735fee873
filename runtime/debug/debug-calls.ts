// The debug mode's way into an isolate. Normally plugins run synchronously on the runtime's thread
// (applySync); a breakpoint pause there would block the very thread that must relay the inspector's
// messages. In debug mode each crossing is `apply` (a promise; the isolate runs on isolated-vm's
// thread pool), without isolated-vm's `timeout`: this file's deadline counts only the time the call
// runs, stops while the debugger holds it paused, and stops a running overrun with
// Runtime.terminateExecution (disposing the isolate if even that is ignored).
import type ivm from 'isolated-vm'
import { graceMs } from '../sandbox/watchdog.ts'
import type { InspectorClient } from './inspector-client.ts'

/** The message the synchronous path's timeout gives (PluginIsolate.run recognises it). */
export const TIMED_OUT_MESSAGE = 'Script execution timed out.'

class PausableDeadline {
  fired = false
  private remaining: number
  private startedAt = 0
  private timer: NodeJS.Timeout | undefined
  private readonly onFire: () => void

  constructor(ms: number, onFire: () => void) {
    this.remaining = ms
    this.onFire = onFire
  }

  start(): void {
    this.startedAt = performance.now()
    clearTimeout(this.timer)
    this.timer = setTimeout(() => {
      this.fired = true
      this.onFire()
    }, Math.max(0, this.remaining))
  }

  pause(): void {
    if (this.timer === undefined || this.fired) return
    clearTimeout(this.timer)
    this.timer = undefined
    this.remaining -= performance.now() - this.startedAt
  }

  resume(): void {
    if (this.timer === undefined && !this.fired) this.start()
  }

  clear(): void {
    clearTimeout(this.timer)
    this.timer = undefined
  }
}

export class DebugCalls {
  /** True while the debugger holds this isolate paused. */
  paused = false
  /** Crossings in progress (an isolate must not be touched synchronously meanwhile). */
  busy = 0
  /**
   * Pause asked for and not yet shown (the hub clears it, also when the work asked for ends): sent
   * again with every kick while a call runs, so a Pause that came before the call started, or landed
   * in the runtime's own code, still stops the plugin.
   */
  pauseRequested = false
  /** Settles when the session is set up (breakpoints placed): the first call waits for it. */
  ready: Promise<unknown> = Promise.resolve()
  private pausedSince = 0
  private pausedTotal = 0
  private deadline: PausableDeadline | null = null
  private readonly isolate: ivm.Isolate
  private readonly inspector: InspectorClient

  constructor(isolate: ivm.Isolate, inspector: InspectorClient) {
    this.isolate = isolate
    this.inspector = inspector
    inspector.onNotification((n) => {
      if (n.method === 'Debugger.paused' && !this.paused) {
        this.paused = true
        this.pausedSince = performance.now()
        this.deadline?.pause()
      } else if (n.method === 'Debugger.resumed' && this.paused) {
        this.paused = false
        this.pausedTotal += performance.now() - this.pausedSince
        this.deadline?.resume()
      }
    })
  }

  /** A clock that does not move while paused: run()'s time limits on host work read it. */
  now(): number {
    return performance.now() - this.pausedTotal - (this.paused ? performance.now() - this.pausedSince : 0)
  }

  /** `ref.apply` with copied arguments and result, bounded by `timeoutMs` of running (not paused) time. */
  async apply(ref: ivm.Reference<(...args: unknown[]) => unknown>, args: unknown[], timeoutMs: number): Promise<unknown> {
    this.busy++
    if (this.busy === 1) this.startKicking()
    await this.ready
    const deadline = new PausableDeadline(timeoutMs, () => this.expire(timeoutMs))
    this.deadline = deadline
    deadline.start()
    try {
      return await ref.apply(undefined, args, { arguments: { copy: true }, result: { copy: true } })
    } catch (error) {
      if (deadline.fired && !this.isolate.isDisposed) throw new Error(TIMED_OUT_MESSAGE, { cause: error })
      throw error
    } finally {
      deadline.clear()
      clearTimeout(this.grace)
      this.grace = undefined
      if (this.deadline === deadline) this.deadline = null
      this.busy--
      if (this.busy === 0) this.stopKicking()
    }
  }

  private kicker: NodeJS.Timeout | undefined

  /**
   * isolated-vm 6.2 with an inspector session sometimes leaves an async call (or a pause
   * notification) undelivered until the next inspector message: about one run in five of
   * debug.test.ts hung that way, and any message sent to the session released it. So while a call is
   * under way, a cheap request goes every 100 ms (its answer carries what was held back along).
   */
  private startKicking(): void {
    this.kicker = setInterval(() => {
      this.inspector.send(this.pauseRequested && !this.paused ? 'Debugger.pause' : 'Runtime.getIsolateId').catch(() => undefined)
    }, 100)
  }

  /** The session ends: no more timers. */
  stop(): void {
    this.stopKicking()
    this.deadline?.clear()
    clearTimeout(this.grace)
  }

  private stopKicking(): void {
    clearInterval(this.kicker)
    this.kicker = undefined
  }

  private grace: NodeJS.Timeout | undefined

  /** The call ran out of time: terminate it; an isolate that ignores that too (GC thrashing) is disposed. */
  private expire(timeoutMs: number): void {
    this.inspector.send('Runtime.terminateExecution').catch(() => undefined)
    this.grace = setTimeout(() => {
      if (!this.isolate.isDisposed) this.isolate.dispose()
    }, graceMs(timeoutMs))
  }
}
