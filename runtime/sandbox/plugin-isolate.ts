// One plugin's isolate: created with a memory limit, bootstrapped, given the compiled plugin, then
// driven synchronously (evalSync/applySync: a few µs per crossing, against 40–200 µs for async hops).
// Items that wait on the host (cache misses, fetch, storage…) are served between synchronous slices.
import ivm from 'isolated-vm'
import { bootstrapSource, HOST_FUNCTION_PREFIX } from './bootstrap.ts'
import { hostFunctions } from './host-functions.ts'
import { ENTRY_GLOBAL } from './sandbox.constants.ts'
import { enterCall, leaveCall } from './watchdog.ts'
import type { DebugCalls } from '../debug/debug-calls.ts'

export interface SandboxError {
  name: string
  message: string
  stack?: string
  isString?: boolean
  isRetry?: boolean
  /** String(error) inside the sandbox (RetryError's toString adds the attempts). */
  text?: string
}

export interface ItemResult {
  value: unknown
  error: SandboxError | null
  /** Console output; `source: 'SYSTEM'` for the few lines the host adds about the call itself. */
  logs: { level: string; message: string; time: number; source?: 'SYSTEM' }[]
  captures: unknown[]
  apiCalls: unknown[]
  jobs: unknown[]
  ms: number
  /** With `valuesAsJson`: the value as the JSON text the isolate made (absent when undefined); `value` is then not set. */
  json?: string
  /** The cache/storage changes of the item (StateOp[]) as JSON text, when it made any. */
  opsJson?: string
  /** processEvent: a `$snapshot` event, not given to the plugin. */
  skipped?: boolean
  /** processEvent: the plugin changed team_id (put back); PostHog's IllegalOperationError. */
  teamIdChanged?: boolean
}

export interface RunOptions {
  /** Results carry the isolate's JSON text (`json`) instead of a parsed `value`. */
  valuesAsJson?: boolean
  /** Takes the task's cache writes instead of applying them before run() returns. */
  deferCacheWrites?: (writes: CacheWrite[]) => void
}

export interface CacheWrite {
  op: string
  args: unknown[]
}

/** Items as one JSON array text (events: the isolate parses it, cheaper than structured clone). */
export interface JsonItems {
  json: string
  count: number
}

export interface HostOpRequest {
  id: number
  kind: string
  args: unknown[]
  /** The index of the task item that asked, or -1. */
  item?: number
}

/** What the isolate may ask the host to do; resolves with a JSON/structured-clone value. */
export type HostOpHandler = (kind: string, args: unknown[], item: number) => Promise<unknown>

/** What the isolate's collect() answers after a slice. */
interface CollectState {
  done: boolean
  index: number
  stuck: boolean
  requests: HostOpRequest[]
  results?: ItemResult[]
  /** Lines the plugin logged outside its items during the task. */
  strayLogs?: ItemResult['logs']
  /** The task's cache writes (meta.isolate.ts cacheEnd), for the store in one round trip. */
  cacheWrites?: CacheWrite[]
}

export interface Capabilities {
  methods: string[]
  jobs: string[]
  scheduledTasks: string[]
  hasProcessEventBatch: boolean
  /** The plugin exports onEvent itself (with exportEvents, `methods` lists onEvent anyway, as PostHog's upgrade does). */
  ownOnEvent: boolean
}

export interface RunLimits {
  timeoutMs: number
  /** For PostHog's TimeoutError text: `(<plugin name>, name: <method>, pluginConfigId: <id>)`. */
  pluginName: string
  configId: number
  /** The runtime clock's time: the plugin's Date reads it. */
  now?: number
  /** The cache store's count of others' writes right now (null: a real Redis); the isolate's cache keeps what it read while it holds. */
  cacheEpoch?: number | null
}

const TIMED_OUT = /Script execution timed out/
const MEMORY = /memory limit|disposed/i

let bootstrapCache: { source: string; data?: ivm.ExternalCopy<ArrayBuffer> } | undefined
let spare: PluginIsolate | null = null
let refill: NodeJS.Immediate | undefined

export class PluginIsolate {
  readonly isolate: ivm.Isolate
  readonly context: ivm.Context
  /** The plugin this isolate runs (watchdogOwner): named by the watchdog if a call of it must end the process. */
  owner = ''
  private entry: Record<string, ivm.Reference<(...args: unknown[]) => unknown>> = {}
  private deadReason: string | null = null
  private readonly memoryMb: number
  /** Debug mode (runtime/debug): run()'s crossings go through this, asynchronously, so a breakpoint can pause them. */
  debug: DebugCalls | null = null

  private constructor(memoryMb: number, inspector = false) {
    this.memoryMb = memoryMb
    this.isolate = new ivm.Isolate(inspector ? { memoryLimit: memoryMb, inspector: true } : { memoryLimit: memoryMb })
    this.context = this.isolate.createContextSync(inspector ? { inspector: true } : undefined)
  }

  /**
   * A fresh bootstrapped isolate, from a one-isolate warm pool when it has one of that size (creating
   * one is most of a plugin's cold start); the pool refills after the current work.
   */
  static take(memoryMb: number, inspector = false): PluginIsolate {
    if (inspector) return PluginIsolate.create(memoryMb, true)
    const ready = spare?.memoryMb === memoryMb && !spare.isolate.isDisposed ? spare : null
    if (spare && !ready) spare.dispose()
    spare = null
    clearImmediate(refill)
    refill = setImmediate(() => {
      spare ??= PluginIsolate.create(memoryMb)
    })
    refill.unref()
    return ready ?? PluginIsolate.create(memoryMb)
  }

  /** Disposes the warm spare (on unload, so an idle runtime holds no isolate). */
  static dropSpare(): void {
    clearImmediate(refill)
    spare?.dispose()
    spare = null
  }

  /** A fresh isolate with the bootstrap run: globals, modules, meta glue, the driver. */
  static create(memoryMb: number, inspector = false): PluginIsolate {
    const sandbox = new PluginIsolate(memoryMb, inspector)
    const jail = sandbox.context.global
    for (const [name, fn] of Object.entries(hostFunctions)) {
      jail.setSync(HOST_FUNCTION_PREFIX + name, new ivm.Callback(withoutHostStack(fn as (...args: unknown[]) => unknown)))
    }
    if (!bootstrapCache) bootstrapCache = { source: bootstrapSource() }
    const script = sandbox.isolate.compileScriptSync(bootstrapCache.source, {
      filename: 'plugin-studio:bootstrap.js',
      cachedData: bootstrapCache.data,
      produceCachedData: !bootstrapCache.data,
    })
    const produced = (script as ivm.Script & { cachedData?: ivm.ExternalCopy<ArrayBuffer> }).cachedData
    if (!bootstrapCache.data && produced) bootstrapCache.data = produced
    script.runSync(sandbox.context, { timeout: 5000 })
    script.release()
    const entry = jail.getSync(ENTRY_GLOBAL, { reference: true }) as ivm.Reference<Record<string, unknown>>
    for (const name of ['init', 'start', 'collect', 'recollect', 'resume', 'abortCurrent', 'sanitizeResults', 'strayLogs', 'inspectGlobal']) {
      sandbox.entry[name] = entry.getSync(name, { reference: true }) as ivm.Reference<(...args: unknown[]) => unknown>
    }
    jail.deleteSync(ENTRY_GLOBAL)
    return sandbox
  }

  get dead(): string | null {
    if (!this.deadReason && this.isolate.isDisposed) this.deadReason = 'The isolate was disposed'
    return this.deadReason
  }

  /** Runs the compiled plugin as a script (top level bounded by the timeout). */
  runPluginScript(code: string, filename: string, lineOffset: number, timeoutMs: number): void {
    const script = this.isolate.compileScriptSync(code, { filename, lineOffset })
    try {
      enterCall(timeoutMs, this.owner)
      script.runSync(this.context, { timeout: timeoutMs })
    } catch (error) {
      this.noteDeath(error)
      throw error
    } finally {
      leaveCall()
      script.release()
    }
  }

  /** PostHog's export discovery: it reads the plugin's exports (getters, Proxy traps), so the plugin's time limit bounds it. */
  init(spec: unknown, timeoutMs: number): Capabilities {
    return this.call('init', [spec], timeoutMs) as Capabilities
  }

  /**
   * Calls `method` once per item, in order, and returns one result per item. Host work the items ask
   * for runs between slices; a slice that overruns the timeout, a wait longer than the timeout, or a
   * promise that can never settle fails that item only; the rest go on.
   */
  async run(method: string, items: unknown[] | JsonItems, handler: HostOpHandler, limits: RunLimits, options: RunOptions = {}): Promise<ItemResult[]> {
    const { valuesAsJson = false } = options
    const { timeoutMs } = limits
    const results: (ItemResult | undefined)[] = new Array(Array.isArray(items) ? items.length : items.count)
    const payload = Array.isArray(items) ? items : items.json
    // isolated-vm rethrows a promise rejection nobody handled at the end of the call that caused it;
    // the call's work is done by then. PostHog logs those; so do we, on the batch's last result.
    const unhandled: string[] = []
    const asyncTimeout = () =>
      `Script execution timed out after promise waited for ${timeoutMs / 1000} second${timeoutMs === 1000 ? '' : 's'} (${limits.pluginName}, name: ${method}, pluginConfigId: ${limits.configId})`
    // Work the plugin left running after its items had finished (an endless promise chain): the time
    // limit stops it with no item to fail. Recorded on the last finished item, not dropped.
    const runaway: { during: string; ms: number }[] = []
    let answer: unknown
    const step = async (name: string, args: unknown[]): Promise<boolean> => {
      const started = performance.now()
      try {
        answer = await this.cross(name, args, timeoutMs)
        return true
      } catch (error) {
        if (this.dead) return false
        if (!TIMED_OUT.test((error as Error).message)) {
          if (unhandled.length < 10) unhandled.push((error as Error)?.message ?? String(error))
          else unhandled[9] = 'and more unhandled rejections'
          return true
        }
        // vm2's text for a synchronous overrun; the isolate fails that item and goes on with the next.
        const ms = Math.round(performance.now() - started)
        if (!(await step('abortCurrent', [{ name: 'Error', message: `Script execution timed out after ${timeoutMs}ms` }]))) return false
        if (answer === false) runaway.push({ during: name, ms })
        return true
      }
    }
    // Outside debug mode the isolate answers start with the task's state when it finished in that call.
    const early = !this.debug
    if (!(await step('start', [method, payload, limits.now ?? null, limits.cacheEpoch, early]))) return this.failRest(results, 0)
    let earlyState: CollectState | null = null
    if (early) {
      const reply = answer as { state?: CollectState | null } | undefined
      if (reply !== null && typeof reply === 'object' && 'state' in reply) earlyState = reply.state ?? null
      // start threw after its task ran (an unhandled rejection rethrown at the end of the call, a time
      // limit in work the plugin left running): the state it took early, if it took one.
      else earlyState = (await this.cross('recollect', [], 1000)) as CollectState | null
    }
    let itemIndex = 0
    // In debug mode a clock that stands still while the debugger holds the call paused.
    const now = this.debug ? () => this.debug!.now() : () => performance.now()
    let itemStarted = now()
    for (;;) {
      if (this.dead) return this.failRest(results, itemIndex)
      let state: CollectState
      try {
        state = earlyState ?? ((await this.cross('collect', [], 1000)) as CollectState)
        earlyState = null
      } catch (error) {
        if (this.dead || TIMED_OUT.test((error as Error).message)) throw error
        unhandled.push((error as Error)?.message ?? String(error))
        state = (await this.cross('recollect', [], 1000)) as CollectState
      }
      if (state.index !== itemIndex) {
        itemIndex = state.index
        itemStarted = now()
      }
      if (state.done) {
        // Host work asked for in the last slice and not awaited (an un-awaited storage.set or
        // jobs.x().runNow() right before returning): PostHog performs it, so does the studio.
        if (state.requests.length > 0 && !this.dead) {
          const answers = await answerWithin(state.requests, handler, timeoutMs)
          if (answers !== 'timeout') await step('resume', [answers])
        }
        let cacheFailures: string[] = []
        if (state.cacheWrites && !this.dead) {
          if (options.deferCacheWrites) options.deferCacheWrites(state.cacheWrites)
          else cacheFailures = await writeCache(state.cacheWrites, handler)
        }
        const out = state.results ?? []
        for (let i = 0; i < out.length; i++) {
          const r = out[i]
          // The isolate leaves empty lists out; give every result its full shape.
          if (!valuesAsJson) {
            r.value = r.json === undefined ? undefined : JSON.parse(r.json)
            delete r.json
          }
          r.logs ??= []
          r.captures ??= []
          r.apiCalls ??= []
          r.jobs ??= []
          results[i] = results[i] ?? r
        }
        const last = results[results.length - 1]
        if (last && unhandled.length) {
          for (const message of unhandled) last.logs.push({ level: 'error', message: `Unhandled promise rejection: ${message}`, time: Date.now() })
        }
        if (last && runaway.length) this.recordRunaway(last, method, runaway, limits)
        if (last) for (const message of cacheFailures) last.logs.push({ level: 'error', message, time: Date.now() })
        if (last && state.strayLogs) for (const line of state.strayLogs) last.logs.push(line)
        return results as ItemResult[]
      }
      if (state.requests.length > 0) {
        const remaining = timeoutMs - (now() - itemStarted)
        const answers = await answerWithin(state.requests, handler, remaining)
        if (answers === 'timeout') {
          if (!(await step('abortCurrent', [{ name: 'TimeoutError', message: asyncTimeout() }]))) return this.failRest(results, itemIndex)
          continue
        }
        if (!(await step('resume', [answers]))) return this.failRest(results, itemIndex)
        continue
      }
      if (state.stuck) {
        const message = `${asyncTimeout()} — it waits on nothing that can ever settle (the sandbox has no timers), so Plugin Studio stopped it at once`
        if (!(await step('abortCurrent', [{ name: 'TimeoutError', message }]))) return this.failRest(results, itemIndex)
        continue
      }
      // Not done, nothing asked, not parked: a slice ended by itself. Go on.
      if (!(await step('resume', [[]]))) return this.failRest(results, itemIndex)
    }
  }

  /** Logs written outside any call (late promise continuations). */
  /** Lines logged outside any task: the plugin's top level, at load (runs synchronously, before any debugger attaches). */
  takeStrayLogs(): ItemResult['logs'] {
    if (this.dead) return []
    return this.call('strayLogs', [], 1000) as ItemResult['logs']
  }

  /**
   * The plugin's meta.global, described as JSON-safe values (reading it may run plugin getters:
   * bounded by 1 s; in debug mode a breakpoint in one pauses like any call).
   */
  async inspectGlobal(): Promise<unknown> {
    if (this.dead) return undefined
    return JSON.parse((await this.cross('inspectGlobal', [], 1000)) as string)
  }

  heapBytes(): number {
    if (this.dead) return 0
    // A synchronous look at an isolate a debug call holds (maybe paused) would wait for it forever.
    if (this.debug && this.debug.busy > 0) return 0
    const h = this.isolate.getHeapStatisticsSync()
    return h.used_heap_size + h.externally_allocated_size
  }

  dispose(): void {
    if (!this.isolate.isDisposed) this.isolate.dispose()
  }

  /**
   * Work `method` left running after its last item returned (promise callbacks that keep queueing
   * more) ran until the time limit stopped it: a SYSTEM warning and the plugin's error on that item,
   * since the call cost the whole limit although every item had finished.
   */
  private recordRunaway(last: ItemResult, method: string, runaway: { during: string; ms: number }[], limits: RunLimits): void {
    const ms = Math.max(...runaway.map((r) => r.ms))
    const text = `Script execution timed out after ${limits.timeoutMs}ms: work ${method} left running after it returned (an endless chain of promise callbacks, microtasks) was stopped after ${ms} ms (${limits.pluginName}, name: ${method}, pluginConfigId: ${limits.configId})`
    last.logs.push({ level: 'warn', source: 'SYSTEM', message: `[Plugin Studio] ${text}. Every call that starts it again costs the full time limit.`, time: Date.now() })
    last.error ??= { name: 'Error', message: text, stack: `Error: ${text}` }
  }

  private failRest(results: (ItemResult | undefined)[], from: number): ItemResult[] {
    const reason = this.dead ?? 'The isolate stopped'
    for (let i = 0; i < results.length; i++) {
      if (results[i] === undefined) {
        results[i] = {
          value: undefined,
          error: i >= from ? { name: 'Error', message: reason, stack: `Error: ${reason}` } : { name: 'Error', message: reason },
          logs: [],
          captures: [],
          apiCalls: [],
          jobs: [],
          ms: 0,
        }
      }
    }
    return results as ItemResult[]
  }

  private noteDeath(error: unknown): void {
    const message = (error as Error)?.message ?? String(error)
    if (this.isolate.isDisposed || MEMORY.test(message)) {
      this.deadReason = MEMORY.test(message)
        ? `Isolate was disposed during execution due to memory limit (${this.memoryMb} MB); the results of its other events in this batch were lost with it`
        : message
      this.dispose()
    }
  }

  /**
   * run()'s crossings: synchronous, or in debug mode a promise (the isolate runs on isolated-vm's
   * threads and a breakpoint may pause it; runtime/debug/debug-calls.ts keeps the time limit).
   */
  private cross(name: string, args: unknown[], timeout: number): unknown {
    if (!this.debug) return this.call(name, args, timeout)
    return this.debugCall(name, args, timeout)
  }

  private async debugCall(name: string, args: unknown[], timeout: number): Promise<unknown> {
    try {
      if (name === 'collect') {
        try {
          return await this.debug!.apply(this.entry.collect, [], timeout)
        } catch (error) {
          if (!isCloneError(error)) throw error
          await this.debug!.apply(this.entry.sanitizeResults, [], timeout)
          return await this.debug!.apply(this.entry.recollect, [], timeout)
        }
      }
      return await this.debug!.apply(this.entry[name], args, timeout)
    } catch (error) {
      this.noteDeath(error)
      throw error
    }
  }

  private call(name: string, args: unknown[], timeout: number): unknown {
    enterCall(timeout, this.owner)
    try {
      try {
        return this.entry[name].applySync(undefined, args, { arguments: { copy: true }, result: { copy: true }, timeout })
      } catch (error) {
        // A plugin returned something structured clone refuses, in collect's results or start's early
        // state (the task ran): make the results JSON and read them again.
        if ((name !== 'collect' && name !== 'start') || !isCloneError(error)) throw error
        this.entry.sanitizeResults.applySync(undefined, [], { timeout })
        const state = this.entry.recollect.applySync(undefined, [], { result: { copy: true }, timeout })
        return name === 'start' ? { state } : state
      }
    } catch (error) {
      this.noteDeath(error)
      throw error
    } finally {
      leaveCall()
    }
  }
}

/** What isolated-vm throws when a value cannot be copied out of the isolate. */
function isCloneError(error: unknown): boolean {
  return (error as Error)?.name === 'DataCloneError' || /could not be cloned/i.test((error as Error)?.message ?? '')
}

/** Errors from host code reach the plugin with their name and message only: no host stack frames. */
function withoutHostStack(fn: (...args: unknown[]) => unknown): (...args: unknown[]) => unknown {
  return (...args) => {
    try {
      return fn(...args)
    } catch (error) {
      const e = error instanceof Error ? error : new Error(String(error))
      const clean = e instanceof RangeError ? new RangeError(e.message) : e instanceof TypeError ? new TypeError(e.message) : new Error(e.message)
      if (!(e instanceof RangeError || e instanceof TypeError)) clean.name = e.name
      clean.stack = `${clean.name}: ${clean.message}`
      throw clean
    }
  }
}

/** Applies a task's cache writes; one log line per write the store refused. */
export async function writeCache(writes: CacheWrite[], handler: HostOpHandler): Promise<string[]> {
  try {
    const results = (await handler('cacheWrites', [writes], -1)) as { ok: boolean; error?: { message: string } }[]
    return results.flatMap((r, i) => (r.ok ? [] : [`cache.${writes[i].op}(${JSON.stringify(writes[i].args[0])}) failed when written to the store: ${r.error?.message}`]))
  } catch (error) {
    return [`Writing the cache failed: ${(error as Error)?.message ?? String(error)}`]
  }
}

async function answerWithin(requests: HostOpRequest[], handler: HostOpHandler, remainingMs: number) {
  const work = (async () => {
    const answers: unknown[] = []
    // In order: a storage write then a read must see each other.
    for (const r of requests) {
      try {
        answers.push({ id: r.id, ok: true, value: r.kind === 'yield' ? null : await handler(r.kind, r.args, r.item ?? -1) })
      } catch (error) {
        const e = error as Error
        answers.push({ id: r.id, ok: false, error: { name: e?.name ?? 'Error', message: e?.message ?? String(error) } })
      }
    }
    return answers
  })()
  if (requests.every((r) => r.kind === 'yield')) return work
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), Math.max(0, remainingMs))
  })
  try {
    return await Promise.race([work, timeout])
  } finally {
    clearTimeout(timer)
  }
}
