// Runs inside the isolate, last. Drives plugin calls synchronously from the host: a task runs its items
// (events, or one setup/teardown call) one after another; an item that awaits something the host must
// do (a cache miss, fetch, storage) parks, its request goes out with the slice's results, and the host
// answers with resume(). Everything else (sync code, awaits on settled values) finishes inside one
// host→isolate call. Also: PostHog's export discovery and meta binding. The exportEvents upgrade
// (buffer, retries) is host-side, on the runtime's clock (runtime/export-buffer.ts).
import { ENTRY_GLOBAL, EXPORT_EVENTS_JOB, INTERNAL_GLOBAL, PLUGIN_METHODS, SLICE_MS } from './sandbox.constants.ts'

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any
const G = globalThis as Any
const S = G[INTERNAL_GLOBAL] as Any

// Taken before any plugin code runs: a plugin that replaces these must not change how results leave.
const stringify = JSON.stringify
const parse = JSON.parse
const arrayPush = Array.prototype.push
const push = <T>(list: T[], item: T) => {
  arrayPush.call(list, item)
}

// ---- the plugin's Date reads the runtime clock ---------------------------------------------------------------
// `Date.now()` and `new Date()` give the host's clock time at the start of the current task plus the real
// time elapsed since (a virtual clock stands still between steps; code measuring durations still works).
const RealDate = Date
const realNow = Date.now
let clockOffset = 0
const clockNow = () => realNow.call(RealDate) + clockOffset
function StudioDate(this: unknown, ...args: unknown[]) {
  if (!new.target) return new RealDate(clockNow()).toString()
  return Reflect.construct(RealDate, args.length === 0 ? [clockNow()] : args, new.target)
}
Object.defineProperties(StudioDate, {
  prototype: { value: RealDate.prototype, writable: false, enumerable: false, configurable: false },
  now: { value: function now() { return clockNow() }, writable: true, enumerable: false, configurable: true },
  parse: { value: RealDate.parse, writable: true, enumerable: false, configurable: true },
  UTC: { value: RealDate.UTC, writable: true, enumerable: false, configurable: true },
  name: { value: 'Date', configurable: true },
  length: { value: 7, configurable: true },
})
Object.defineProperty(RealDate.prototype, 'constructor', { value: StudioDate, writable: true, enumerable: false, configurable: true })
Object.defineProperty(G, 'Date', { value: StudioDate, writable: true, enumerable: false, configurable: true })

// ---- where logs and records of the running item go (capped: a plugin cannot flood the host) ---------------
const MAX_LOG_LINES = 10_000
const MAX_LOG_CHARS = 1024 * 1024
const MAX_LINE_CHARS = 64 * 1024
const MAX_RECORDS = 1000
const newSink = () => ({ logs: [] as Any[], captures: [] as Any[], apiCalls: [] as Any[], jobs: [] as Any[], ops: [] as Any[], chars: 0, cutLines: 0, cutChars: 0, cutRecords: 0 })
let stray = newSink()
S.sink = stray
S.log = (level: string, message: string) => {
  const sink = S.sink
  let text = String(message)
  if (sink.logs.length >= MAX_LOG_LINES || sink.chars >= MAX_LOG_CHARS) {
    sink.cutLines++
    sink.cutChars += text.length
    return
  }
  if (text.length > MAX_LINE_CHARS) {
    sink.cutChars += text.length - MAX_LINE_CHARS
    text = `${text.slice(0, MAX_LINE_CHARS)}… [${text.length - MAX_LINE_CHARS} characters cut]`
  }
  sink.chars += text.length
  push(sink.logs, { level, message: text, time: Date.now() })
}
S.record = (kind: 'captures' | 'apiCalls' | 'jobs' | 'ops', item: unknown) => {
  const list = S.sink[kind]
  if (list.length >= MAX_RECORDS) {
    S.sink.cutRecords++
    return
  }
  // Recorded as JSON now: later changes by the plugin (or values JSON cannot carry) stay out of it.
  // Cache/storage ops stay JSON text all the way to the studio (the host splices them in).
  let text: string
  try {
    text = stringify(item) ?? 'null'
  } catch (error) {
    text = stringify({ unrecordable: safeMessage(error) })
  }
  push(list, kind === 'ops' ? text : parse(text))
}
/** A JSON array text of JSON texts (no Array.prototype.join: the plugin may have replaced it). */
function jsonList(texts: string[]): string {
  let out = '['
  for (let i = 0; i < texts.length; i++) out += i === 0 ? texts[i] : `,${texts[i]}`
  return `${out}]`
}
function safeMessage(error: unknown): string {
  try {
    return typeof error === 'string' ? error : String((error as Any)?.message ?? error)
  } catch {
    return 'an error that cannot be described'
  }
}

// ---- host operations --------------------------------------------------------------------------------------
let requests: Any[] = []
const waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void }>()
let nextRequestId = 1
S.hostOp = (kind: string, args: unknown[]) =>
  new Promise((resolve, reject) => {
    const id = nextRequestId++
    waiting.set(id, { resolve, reject })
    // `item`: which item of the running task asked (the host files fetch records under it).
    push(requests, { id, kind, args, item: task && task.current ? task.index : -1 })
  })

/** Reads a property of a thrown value that may be a Proxy or have throwing getters. */
function read(value: Any, key: string): unknown {
  try {
    return value[key]
  } catch {
    return undefined
  }
}
function serializeError(error: unknown) {
  if (typeof error === 'string') return { name: 'Error', message: error, isString: true, text: error }
  let text: string
  try {
    text = String(error)
  } catch {
    try {
      text = Object.prototype.toString.call(error)
    } catch {
      text = '[a thrown value that cannot be described]'
    }
  }
  if (error && (typeof error === 'object' || typeof error === 'function')) {
    const name = read(error, 'name')
    const message = read(error, 'message')
    const stack = read(error, 'stack')
    let isRetry = false
    try {
      isRetry = error instanceof S.RetryError
    } catch {}
    return {
      name: typeof name === 'string' ? name : 'Error',
      message: typeof message === 'string' ? message : message === undefined ? text : safeMessage(message),
      stack: typeof stack === 'string' ? stack : undefined,
      isRetry,
      text,
    }
  }
  return { name: 'Error', message: text, text }
}

// ---- tasks --------------------------------------------------------------------------------------------------
interface Item {
  sink: ReturnType<typeof newSink>
  started: number
}
interface Task {
  call: (arg: unknown) => unknown
  items: unknown[]
  index: number
  sliceFirst: number
  results: Any[]
  current: Item | null
  parked: boolean
  done: boolean
  /** processEvent: `(await processEvent(e)) || null`; `$snapshot` events skipped; team_id guarded. */
  orNull: boolean
  /** processEvent: the running item's team_id before the plugin saw it (PostHog's IllegalOperationError check). */
  teamId?: unknown
}
let task: Task | null = null
let sliceStart = 0

function finish(value: unknown, failed: boolean, error?: unknown, cutOff = false) {
  const t = task!
  const item = t.current!
  // Only what is there crosses back (empty lists are left out: copying is most of the cost).
  const sink = item.sink
  // processEvent: PostHog's `(await processEvent(e)) || null`; after a throw, the event goes on with
  // whatever the plugin changed in place before throwing.
  // (Not after a cut-off: what made the item overrun may sit in the event itself, e.g. a looping getter.)
  const result = failed ? (t.orNull && !cutOff ? t.items[t.index] : undefined) : t.orNull ? value || null : value
  const r: Any = { error: failed ? serializeError(error) : null, same: !failed && value === t.items[t.index], ms: 0 }
  // The value leaves as JSON text made here, under this item's time limit: a getter that loops is cut
  // off like any loop; one that throws, a cycle, a BigInt or a function fail this item only.
  if (result === null) r.json = 'null'
  else if (result !== undefined) {
    try {
      // PostHog's runProcessEvent: a plugin may not move an event to another team; the event goes on with its own.
      if (t.orNull && !failed && (result as Any).team_id !== t.teamId) {
        r.teamIdChanged = true
        if (typeof result === 'object') (result as Any).team_id = t.teamId
      }
      const text = typeof result === 'function' ? undefined : stringify(result)
      if (text === undefined) throw new TypeError(`a ${typeof result} is not an event`)
      r.json = text
    } catch (e) {
      if (!failed) r.error = serializeError(new TypeError(`The plugin returned a value that cannot leave the sandbox: ${safeMessage(e)}`))
    }
  }
  r.ms = Date.now() - item.started
  if (sink.cutLines || sink.cutChars) {
    push(sink.logs, { level: 'warn', message: `[Plugin Studio] ${sink.cutLines} log lines and ${sink.cutChars} characters were cut: the sandbox keeps at most ${MAX_LOG_LINES} lines and ${MAX_LOG_CHARS} characters per call`, time: Date.now() })
  }
  if (sink.cutRecords) {
    push(sink.logs, { level: 'warn', message: `[Plugin Studio] ${sink.cutRecords} captures, API calls, jobs or state changes were dropped from the record: at most ${MAX_RECORDS} of each per call`, time: Date.now() })
  }
  if (sink.logs.length) r.logs = sink.logs
  if (sink.captures.length) r.captures = sink.captures
  if (sink.apiCalls.length) r.apiCalls = sink.apiCalls
  if (sink.jobs.length) r.jobs = sink.jobs
  if (sink.ops.length) r.opsJson = jsonList(sink.ops)
  t.results[t.index] = r
  t.current = null
  t.parked = false
  t.index++
  S.sink = stray
}

function pump() {
  const t = task
  while (t && t === task && !t.done && !t.parked) {
    if (t.index >= t.items.length) {
      t.done = true
      return
    }
    // Long slices hand control back so the host's timeout stays a per-item limit.
    if (t.index > t.sliceFirst && Date.now() - sliceStart > SLICE_MS) {
      t.parked = true
      S.hostOp('yield', []).then(() => {
        if (task !== t) return
        t.parked = false
        t.sliceFirst = t.index
        pump()
      })
      return
    }
    const item: Item = { sink: newSink(), started: Date.now() }
    t.current = item
    S.sink = item.sink
    let result: unknown
    let thenable: boolean
    if (t.orNull) {
      // Events arrive as JSON (plain data): reading them runs no plugin code. `$snapshot` goes to onSnapshot only.
      const input = t.items[t.index] as Any
      if (input !== null && typeof input === 'object' && input.event === '$snapshot') {
        t.results[t.index] = { skipped: true, error: null, same: true, ms: 0 }
        t.current = null
        t.index++
        S.sink = stray
        continue
      }
      t.teamId = input === null || typeof input !== 'object' ? undefined : input.team_id
    }
    try {
      result = t.call(t.items[t.index])
      // Reading `then` runs plugin code when the result is a Proxy or has a getter there.
      thenable = result !== null && typeof result === 'object' && typeof (result as Any).then === 'function'
    } catch (error) {
      finish(undefined, true, error)
      continue
    }
    if (thenable) {
      t.parked = true
      Promise.resolve(result).then(
        (value) => settle(t, item, value, false),
        (error) => settle(t, item, undefined, true, error),
      )
      return
    }
    finish(result, false)
  }
}
function settle(t: Task, item: Item, value: unknown, failed: boolean, error?: unknown) {
  if (task !== t || t.current !== item) return // cut off earlier (timeout): its late result is dropped
  finish(value, failed, error)
  pump()
}

function startTask(call: (arg: unknown) => unknown, items: unknown[], orNull: boolean) {
  task = { call, items, index: 0, sliceFirst: 0, results: [], current: null, parked: false, done: false, orNull }
  sliceStart = Date.now()
  pump()
}

// ---- plugin loading: PostHog's createPluginConfigVM export discovery ----------------------------------------
let methods: Record<string, ((...args: unknown[]) => unknown) | undefined> = {}
let meta: Any = null
const tasks: Any = { schedule: {}, job: {} }
let pluginModule: { exports: Any; module: Any } | null = null

Object.defineProperty(G, '__studioExportsHook', {
  configurable: true,
  value: (exportsObject: unknown, moduleObject: unknown) => {
    pluginModule = { exports: exportsObject, module: moduleObject }
    delete G.__studioExportsHook
  },
})
Object.defineProperty(G, '__studioRequire', { configurable: true, value: S.require })

function init(spec: Any) {
  if (!pluginModule) throw new Error('The plugin code did not finish running')
  delete G.__studioRequire
  const hostMeta = S.createHostMeta(spec)
  let exp = pluginModule.exports
  const mod = pluginModule.module
  // esbuild turns ESM into `module.exports = <namespace with __esModule>`: that namespace is what
  // Babel's `exports` was for PostHog.
  if (mod && typeof mod === 'object' && mod.exports && mod.exports.__esModule) exp = mod.exports
  const destinations: Any[] = [exp, exp?.default, mod?.exports].filter((d) => typeof d === 'object' && d !== null)
  if (!destinations.find((d) => Object.keys(d).length > 0)) destinations.push(G)
  const getExported = (key: string) => destinations.find((a) => a[key])?.[key]

  meta = { ...hostMeta, global: {} }
  const bindMeta = (keyOrFunc: unknown) => {
    const func = typeof keyOrFunc === 'function' ? keyOrFunc : getExported(keyOrFunc as string)
    if (func) return (...args: unknown[]) => func(...args, meta)
    return undefined
  }
  if (!getExported('processEvent') && getExported('processEventBatch')) {
    const shim = async (event: unknown, m: unknown) => (await getExported('processEventBatch')([event], m))?.[0]
    if (exp && typeof exp === 'object') exp.processEvent = shim
    else destinations[0].processEvent = shim
    if (!getExported('processEvent')) destinations.unshift({ processEvent: shim })
  }
  methods = {}
  for (const name of PLUGIN_METHODS) methods[name] = bindMeta(name)
  for (const destination of [...destinations].reverse()) {
    for (const [name, value] of Object.entries(destination)) {
      if (name.startsWith('runEvery') && typeof value === 'function') tasks.schedule[name] = { name, type: 'schedule', exec: bindMeta(value) }
    }
    if (destination.jobs && typeof destination.jobs === 'object') {
      for (const [key, value] of Object.entries(destination.jobs)) tasks.job[key] = { name: key, type: 'job', exec: bindMeta(value) }
    }
  }
  // PostHog's upgradeExportEvents: the buffer and its retry job live on the host; the plugin sees
  // meta.global.exportEventsToIgnore, and capabilities list onEvent and the job, as PostHog's do.
  const ownOnEvent = methods.onEvent !== undefined
  if (methods.exportEvents) {
    const ignore = meta.config.exportEventsToIgnore
    meta.global.exportEventsToIgnore = new Set(ignore ? String(ignore).split(',').map((e: string) => e.trim()) : null)
  }
  const jobNames = Object.keys(tasks.job)
  if (methods.exportEvents && !jobNames.includes(EXPORT_EVENTS_JOB)) jobNames.push(EXPORT_EVENTS_JOB)
  return {
    methods: PLUGIN_METHODS.filter((m) => methods[m] !== undefined || ((m === 'onEvent' || m === 'teardownPlugin') && methods.exportEvents !== undefined)),
    ownOnEvent,
    jobs: jobNames,
    scheduledTasks: Object.keys(tasks.schedule),
    hasProcessEventBatch: !!getExported('processEventBatch'),
  }
}

// ---- entry points for the host -------------------------------------------------------------------------------
let lastCollected: Any = null
function takeStray() {
  const logs = stray.logs
  const current = S.sink === stray
  stray = newSink()
  if (current) S.sink = stray
  return logs
}

function collect() {
  const t = task
  const out: Any = { requests, done: !t || t.done, parked: !!t?.parked, index: t?.index ?? 0, stuck: false }
  requests = []
  if (t && !t.done && t.parked && out.requests.length === 0) out.stuck = true
  if (t?.done) {
    out.results = t.results
    // Lines logged outside any item (promise callbacks still running after their item returned).
    if (stray.logs.length) out.strayLogs = takeStray()
    const writes = S.cacheEnd()
    if (writes.length > 0) out.cacheWrites = writes
    task = null
  }
  lastCollected = out
  return out
}

/** Promise-job hops the early collect waits for a task to finish before it leaves the answer to collect(). */
const EARLY_COLLECT_HOPS = 1000
/** Hops it waits after the task finished: promise callbacks the plugin left running log into this call. */
const SETTLE_HOPS = 16

/**
 * isolated-vm copies a call's answer after the promise jobs the call queued have run: a task that
 * finishes in them (no host operation awaited, the common case) answers start() itself with what
 * collect() would, and saves the host a crossing. It stops waiting once the task asks the host for
 * something (the host collects those requests as usual) or after EARLY_COLLECT_HOPS hops. A line a
 * plugin's promise callback logs later than SETTLE_HOPS hops after the task is not lost: it goes with
 * the next call's logs.
 */
function collectEarly(reply: { state: unknown }) {
  const t = task
  let hops = 0
  let settle = 0
  const check = () => {
    if (task !== t || !t || reply.state !== null) return
    if (t.done && settle++ >= SETTLE_HOPS) reply.state = collect()
    else if (requests.length === 0 && hops++ < EARLY_COLLECT_HOPS) void Promise.resolve().then(check)
  }
  void Promise.resolve().then(check)
}

const entry = {
  init,
  /**
   * Starts `method` over `items` (one call per item; `null` items call it without an argument).
   * With `early`, answers `{state}`: the collect() answer when the task finished within this call, else null.
   */
  start(method: string, itemsOrJson: unknown[] | string, now?: number | null, cacheEpoch?: number | null, early?: boolean) {
    lastCollected = null
    if (typeof now === 'number') clockOffset = now - realNow.call(RealDate)
    if (cacheEpoch !== undefined) S.cacheBegin(cacheEpoch)
    // Events come as one JSON array text: parsing it here costs half of structured clone.
    const items: unknown[] = typeof itemsOrJson === 'string' ? parse(itemsOrJson) : itemsOrJson
    if (method.startsWith('job:')) {
      const job = tasks.job[method.slice(4)]
      if (!job) throw new Error(`The plugin has no job ${method.slice(4)}`)
      startTask((payload) => (payload ? job.exec(payload) : job.exec()), items, false)
    } else if (method.startsWith('schedule:')) {
      const scheduled = tasks.schedule[method.slice(9)]
      if (!scheduled) throw new Error(`The plugin has no scheduled task ${method.slice(9)}`)
      startTask(() => scheduled.exec(), items, false)
    } else {
      let fn = methods[method]
      // PostHog's upgrade gives every exporter an onEvent and a teardownPlugin (the buffer's part is on the host).
      if (!fn && methods.exportEvents && (method === 'onEvent' || method === 'teardownPlugin')) fn = () => undefined
      if (!fn) throw new Error(`The plugin has no ${method}`)
      startTask(method === 'setupPlugin' || method === 'teardownPlugin' ? () => fn() : (arg) => fn(arg), items, method === 'processEvent')
    }
    if (!early) return undefined
    const reply = { state: null }
    collectEarly(reply)
    return reply
  },
  collect,
  /** The last collect() answer again (after sanitizeResults). */
  recollect: () => lastCollected,
  /** Answers host operations: [{id, ok, value} | {id, ok: false, error: {name, message}}]. */
  resume(answers: Any[]) {
    sliceStart = Date.now()
    if (task) task.sliceFirst = task.index
    for (const a of answers) {
      const w = waiting.get(a.id)
      if (!w) continue
      waiting.delete(a.id)
      if (a.ok) w.resolve(a.value)
      else {
        const error = new Error(a.error.message)
        error.name = a.error.name
        w.reject(error)
      }
    }
  },
  /**
   * The host cut the running item off (timeout, or nothing left it could wait for): fail it, go on.
   * False when no item was running: the time ran out in work the plugin left running after its items
   * had finished (an endless promise chain); the host records that itself.
   */
  abortCurrent(error: Any): boolean {
    const t = task
    if (!t || t.done) return false
    sliceStart = Date.now()
    t.sliceFirst = t.index
    if (!t.current) t.current = { sink: newSink(), started: Date.now() }
    const e = new Error(error.message)
    e.name = error.name
    e.stack = `${error.name}: ${error.message}`
    finish(undefined, true, e, true)
    pump()
    return true
  },
  /**
   * Makes the last collect() answer copyable when structured clone refused it. Values already leave
   * as JSON text; a result's records (error, logs, captures…) are made JSON too, or replaced by an error.
   */
  sanitizeResults() {
    const results = lastCollected?.results ?? []
    for (let i = 0; i < results.length; i++) {
      try {
        results[i] = parse(stringify(results[i]))
      } catch (error) {
        results[i] = { error: serializeError(new TypeError(`A result could not leave the sandbox: ${safeMessage(error)}`)), same: false, ms: 0 }
      }
    }
  },
  /** Lines logged outside any task (the plugin's top level at load). */
  strayLogs: () => takeStray(),
  /** meta.global as JSON text for the state inspector (bounded; Set/Map/functions/cycles described). */
  inspectGlobal: () => stringify(describeValue(meta?.global, 0, new Set())),
}

// ---- meta.global for the state inspector -----------------------------------------------------------------------
const MAX_DEPTH = 6
const MAX_ENTRIES = 200
const MAX_STRING = 2000
function describeValue(value: unknown, depth: number, seen: Set<unknown>): unknown {
  try {
    if (value === undefined) return '[undefined]'
    if (value === null || typeof value === 'boolean') return value
    if (typeof value === 'number') return Number.isFinite(value) ? value : String(value)
    if (typeof value === 'string') return value.length > MAX_STRING ? `${value.slice(0, MAX_STRING)}… (${value.length} chars)` : value
    if (typeof value === 'bigint') return `${value}n`
    if (typeof value === 'symbol') return String(value)
    if (typeof value === 'function') return `[Function ${(value as { name?: string }).name || 'anonymous'}]`
    if (seen.has(value)) return '[Circular]'
    if (depth >= MAX_DEPTH) return Array.isArray(value) ? `[Array(${value.length})]` : '[Object]'
    if (value instanceof RealDate) return `[Date ${Number.isNaN(value.getTime()) ? 'Invalid' : value.toISOString()}]`
    seen.add(value)
    try {
      const list = (items: unknown[]) => {
        const out = items.slice(0, MAX_ENTRIES).map((v) => describeValue(v, depth + 1, seen))
        if (items.length > MAX_ENTRIES) push(out, `… ${items.length - MAX_ENTRIES} more`)
        return out
      }
      if (Array.isArray(value)) return list(value)
      if (value instanceof Set) return { [`[Set(${value.size})]`]: list([...value]) }
      if (value instanceof Map) return { [`[Map(${value.size})]`]: list([...value].map(([k, v]) => [k, v])) }
      const out: Record<string, unknown> = {}
      const keys = Object.keys(value as object)
      for (const key of keys.slice(0, MAX_ENTRIES)) out[key] = describeValue((value as Record<string, unknown>)[key], depth + 1, seen)
      if (keys.length > MAX_ENTRIES) out['…'] = `${keys.length - MAX_ENTRIES} more keys`
      return out
    } finally {
      seen.delete(value)
    }
  } catch (error) {
    return `[unreadable: ${(error as Error)?.message ?? String(error)}]`
  }
}
Object.defineProperty(G, ENTRY_GLOBAL, { configurable: true, value: entry })
delete G[INTERNAL_GLOBAL]
