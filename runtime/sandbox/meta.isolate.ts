// Runs inside the isolate. The isolate side of PostHog's `meta`: cache (a write-through layer: reads
// of keys this batch already knows and all writes answer at once, writes reach the host store in one
// round trip per batch), storage, utils.cursor, geoip, jobs and attachments through the host-op queue.
import { CACHE_MISSING, INTERNAL_GLOBAL } from './sandbox.constants.ts'

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any
const G = globalThis as Any
const S = G[INTERNAL_GLOBAL] as Any

// ---- cache -----------------------------------------------------------------------------------------------
interface Entry {
  /** The Redis string, or null when the key is missing. */
  raw: string | null
  /** Expiry in ms since the epoch (this batch's own TTL writes: the key reads as missing after); 0 = none. */
  exp: number
  /**
   * From an earlier batch or the store's PTTL: past either deadline (the runtime's clock, the real
   * clock; the store may follow either) the entry is dropped and read again. 0 = none.
   */
  until?: number
  realUntil?: number
  /** The key's TTL in the store is not known (an incr the store answered): not kept after the batch. */
  ttlUnknown?: boolean
}
/**
 * What this isolate knows of the store, kept across batches while nobody else writes to the
 * namespace (the store counts others' writes and sends the count with every reply; a real Redis
 * sends null: its other writers are invisible, so the entries last one batch).
 */
const local = new Map<string, Entry>()
/** Keys whose entries this task gave a TTL or an unknown TTL: what cacheEnd must look at (not all of `local`). */
const touched = new Set<string>()
function remember(key: string, entry: Entry): void {
  local.set(key, entry)
  if (entry.exp || entry.ttlUnknown) touched.add(key)
}
/** The real clock (driver.isolate.ts gives the plugin the runtime's clock afterwards). */
const realNow = Date.now.bind(Date)
let externalWrites: number | null | undefined
/** Until a reply of this batch has confirmed nobody else wrote, entries of earlier batches are not used. */
let confirmed = true
let pending: Any[] = []
/** Writes wait in here until the end of the batch; a flood of them must not become a flood on the host. */
const MAX_PENDING_WRITES = 10_000
let refusedWrites = 0
function refuseWrite(): Promise<never> | null {
  if (pending.length < MAX_PENDING_WRITES) return null
  if (refusedWrites++ === 0) S.log('error', `[Plugin Studio] more than ${MAX_PENDING_WRITES} cache writes in one batch: the rest are refused`)
  return Promise.reject(new Error(`Plugin Studio refuses more than ${MAX_PENDING_WRITES} cache writes per batch of events`))
}

function asRedisString(value: unknown): string {
  if (value === null || value === undefined) return ''
  return typeof value === 'string' ? value : String(value)
}
function known(key: string): Entry | undefined {
  if (!confirmed) return undefined
  const entry = local.get(key)
  if (entry && ((entry.until && Date.now() >= entry.until) || (entry.realUntil && realNow() >= entry.realUntil))) {
    local.delete(key)
    return undefined
  }
  if (entry && entry.exp && Date.now() >= entry.exp) {
    entry.raw = null
    entry.exp = 0
  }
  return entry
}
function decodeGet(raw: string | null, defaultValue: unknown, options: Any): unknown {
  if (raw === null) return S.cacheGetMissing === 'null' ? null : defaultValue
  if (!raw) return null
  if (options?.jsonSerialize === false) return raw
  try {
    return JSON.parse(raw)
  } catch (error) {
    if (error instanceof SyntaxError) return null
    throw error
  }
}
/** Sends the writes not yet flushed plus `ops` to the host store, in order; resolves with the results of `ops`. */
function hostCache(ops: Any[]): Promise<Any[]> {
  const flushed = compact(pending)
  pending = []
  return S.hostOp('cache', [[...flushed, ...ops]]).then((reply: Any) => {
    const results: Any[] = reply.results
    if (reply.externalWrites === null || reply.externalWrites !== externalWrites) local.clear()
    externalWrites = reply.externalWrites
    confirmed = true
    results.slice(0, flushed.length).forEach((r, i) => {
      if (!r.ok) S.log('error', `cache.${flushed[i].op}(${JSON.stringify(flushed[i].args[0])}) failed when written to the store: ${r.error.message}`)
    })
    return results.slice(flushed.length)
  })
}
/** A SET replaces a key's value and TTL: earlier writes of that key in the same flush need not go. */
function compact(ops: Any[]): Any[] {
  if (ops.length < 2) return ops
  const lastSet = new Map<string, number>()
  ops.forEach((op, i) => {
    if (op.op === 'set') lastSet.set(op.args[0], i)
  })
  return ops.filter((op, i) => {
    const last = lastSet.get(op.args[0])
    return last === undefined || i >= last
  })
}
function unwrap(result: Any) {
  if (result.ok) return result.value
  const error = new Error(result.error.message)
  error.name = result.error.name
  throw error
}
function hostOne(op: string, args: unknown[]): Promise<unknown> {
  return hostCache([{ op, args }]).then((r) => unwrap(r[0]))
}
/** A get or incr that also brings the key's deadlines from its PTTL (measured from before the call: never late). */
function hostWithTtl(op: string, args: unknown[]): Promise<{ reply: unknown; ttl: Partial<Entry> }> {
  const sentAt = Date.now()
  const sentAtReal = realNow()
  return hostCache([{ op, args }]).then((r) => {
    const reply = unwrap(r[0])
    const pttl = r[0].pttl
    const ttl: Partial<Entry> = typeof pttl !== 'number' ? { ttlUnknown: true } : pttl >= 0 ? { until: sentAt + pttl, realUntil: sentAtReal + pttl } : {}
    return { reply, ttl }
  })
}
const isIntegerString = (raw: string) => /^-?\d+$/.test(raw) && Number.isSafeInteger(Number(raw))

const cache = {
  set(key: string, value: unknown, ttlSeconds?: number, options?: Any): Promise<void> {
    const refused = refuseWrite()
    if (refused) return refused
    try {
      const raw = options?.jsonSerialize === false ? asRedisString(value) : asRedisString(JSON.stringify(value))
      const k = String(key)
      remember(k, { raw, exp: ttlSeconds ? Date.now() + Number(ttlSeconds) * 1000 : 0, realUntil: ttlSeconds ? realNow() + Number(ttlSeconds) * 1000 : 0 })
      pending.push({ op: 'set', args: [k, raw, ttlSeconds, { jsonSerialize: false }] })
      S.record('ops', { kind: 'cache', op: 'set', key: k, value: raw })
      return Promise.resolve()
    } catch (error) {
      return Promise.reject(error)
    }
  },
  get(key: string, defaultValue: unknown, options?: Any): Promise<unknown> {
    const k = String(key)
    const entry = known(k)
    if (entry) {
      try {
        return Promise.resolve(decodeGet(entry.raw, defaultValue, options))
      } catch (error) {
        return Promise.reject(error)
      }
    }
    return hostWithTtl('get', [k, CACHE_MISSING, { jsonSerialize: false }]).then(({ reply, ttl }) => {
      // The store marks a missing key with CACHE_MISSING (in 'default' mode) and answers null for a
      // stored empty (falsy) string: PostHog reads that back as null, never as the default. In 'null'
      // mode a missing key is null too; both read null, and the entry is not kept (expire must ask the store).
      if (reply === null || reply === undefined) {
        if (S.cacheGetMissing === 'null') return null
        if (!local.has(k)) remember(k, { raw: '', exp: 0, ...ttl })
        return decodeGet('', defaultValue, options)
      }
      const raw = reply === CACHE_MISSING ? null : String(reply)
      if (!local.has(k)) remember(k, { raw, exp: 0, ...ttl })
      return decodeGet(raw, defaultValue, options)
    })
  },
  incr(key: string): Promise<number> {
    const k = String(key)
    const entry = known(k)
    if (entry && (entry.raw === null || isIntegerString(entry.raw)) && pending.length < MAX_PENDING_WRITES) {
      const next = (entry.raw === null ? 0 : Number(entry.raw)) + 1
      entry.raw = String(next)
      pending.push({ op: 'incr', args: [k] })
      S.record('ops', { kind: 'cache', op: 'incr', key: k, value: next })
      return Promise.resolve(next)
    }
    return hostWithTtl('incr', [k]).then(({ reply: n, ttl }) => {
      S.record('ops', { kind: 'cache', op: 'incr', key: k, value: n })
      remember(k, { raw: String(n), exp: entry?.exp ?? 0, ...ttl })
      return n as number
    })
  },
  expire(key: string, ttlSeconds: number): Promise<boolean> {
    const k = String(key)
    const entry = known(k)
    if (entry && typeof ttlSeconds === 'number' && Number.isInteger(ttlSeconds)) {
      if (entry.raw === null) return Promise.resolve(false)
      if (ttlSeconds <= 0) entry.raw = null
      else {
        entry.exp = Date.now() + ttlSeconds * 1000
        entry.realUntil = realNow() + ttlSeconds * 1000
        entry.ttlUnknown = false
        touched.add(k)
      }
      pending.push({ op: 'expire', args: [k, ttlSeconds] })
      S.record('ops', { kind: 'cache', op: 'expire', key: k, value: ttlSeconds })
      return Promise.resolve(true)
    }
    local.delete(k)
    return hostOne('expire', [k, ttlSeconds]) as Promise<boolean>
  },
} as Any
for (const op of ['lpush', 'lrange', 'llen', 'lpop', 'lrem']) {
  cache[op] = (key: string, ...args: unknown[]) => {
    local.delete(String(key))
    if (op === 'lpush' || op === 'lpop' || op === 'lrem') S.record('ops', { kind: 'cache', op, key: String(key), value: args[args.length - 1] })
    return hostOne(op, [String(key), ...args])
  }
}
/**
 * A task begins (driver.isolate.ts start) with the store's count of others' writes, read by the host
 * right before: what this isolate read stays valid while the count is unchanged (a real Redis sends
 * null: its other writers are invisible, so entries last one task).
 */
S.cacheBegin = (count: number | null) => {
  if (count === null || count !== externalWrites) local.clear()
  externalWrites = count
  confirmed = true
}
/**
 * A task ends: its writes leave with its results, for the host to apply in one store round trip.
 * What was read stays for the next task; a TTL ends it by either clock (the runtime's may jump).
 */
S.cacheEnd = (): Any[] => {
  refusedWrites = 0
  confirmed = false
  for (const key of touched) {
    const entry = local.get(key)
    if (!entry) continue
    if (entry.ttlUnknown || (entry.raw === null && entry.exp)) local.delete(key)
    else if (entry.exp) {
      entry.until = entry.until ? Math.min(entry.until, entry.exp) : entry.exp
      entry.exp = 0
    }
  }
  touched.clear()
  const writes = compact(pending)
  pending = []
  return writes
}

// ---- storage, cursor, geoip ------------------------------------------------------------------------------
const storage = {
  get(key: string, defaultValue: unknown): Promise<unknown> {
    return S.hostOp('storage', ['get', String(key)]).then((text: string | null) => (text === null ? defaultValue : JSON.parse(text)))
  },
  set(key: string, value: unknown): Promise<void> {
    try {
      if (value === undefined) return storage.del(key)
      const text = JSON.stringify(value)
      S.record('ops', { kind: 'storage', op: 'set', key: String(key), value: JSON.parse(text) })
      return S.hostOp('storage', ['set', String(key), text]).then(() => undefined)
    } catch (error) {
      return Promise.reject(error)
    }
  },
  del(key: string): Promise<void> {
    S.record('ops', { kind: 'storage', op: 'del', key: String(key) })
    return S.hostOp('storage', ['del', String(key)]).then(() => undefined)
  },
}
const utils = {
  cursor: {
    init(key: string, initialValue = 0): Promise<void> {
      if (typeof initialValue !== 'number') return Promise.reject(new Error("The cursor's initial value must be a number!"))
      return S.hostOp('cursor', ['init', String(key), initialValue]).then(() => undefined)
    },
    increment(key: string, incrementBy = 1): Promise<number> {
      return S.hostOp('cursor', ['increment', String(key), incrementBy])
    },
  },
}
const geoip = {
  locate(ip: string): Promise<unknown> {
    return S.hostOp('geoip', [String(ip)])
  },
}

// ---- jobs: a Proxy, so any name can be enqueued (PostHog's extensions/jobs.ts). The host's job queue
// (runtime/jobs.ts, on the runtime's clock) does the rest: an unknown unit rejects here, in the plugin.
const jobs = new Proxy(
  {},
  {
    get(_target, name) {
      if (typeof name !== 'string') return undefined
      return (payload?: unknown) => {
        // graphile stores the payload as JSON: the copy is taken now; what cannot be JSON is the host's
        // "Failed to enqueue job" line (PH-2022 logs it instead of throwing).
        let json: string | undefined
        let failure: string | null = null
        try {
          json = JSON.stringify(payload)
        } catch (error) {
          failure = error instanceof Error ? error.message : String(error)
        }
        const enqueue = (when: unknown) =>
          S.hostOp('jobs', [name, json ?? null, when, failure]).then((record: Any) => {
            if (record) S.record('jobs', record)
          })
        return {
          runNow: () => enqueue({ runNow: true }),
          runIn: (duration: number, unit: string) => enqueue({ runIn: [duration, String(unit)] }),
          runAt: (date: Date) => enqueue({ runAt: new Date(date).getTime() }),
        }
      }
    },
  },
)

/** Builds the meta source object (PostHog's __pluginHostMeta) for this plugin config. */
S.createHostMeta = (spec: Any) => {
  S.cacheGetMissing = spec.cacheGetMissing
  const attachments: Record<string, unknown> = {}
  for (const key of Object.keys(spec.attachments)) {
    const a = spec.attachments[key]
    attachments[key] = { content_type: a.content_type, file_name: a.file_name, contents: S.asBuffer(S.bufferModule().Buffer.from(a.contentsBase64, 'base64')) }
  }
  return { cache, config: spec.config, attachments, storage, geoip, jobs, utils }
}
