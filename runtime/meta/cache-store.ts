// meta.cache on the host side: PostHog's cache extension over the embedded ioredis-mock or a real
// Redis, under PostHog's key namespace `@plugin/<pluginId>/<teamId ?? '@all'>/<key>`.
import type { Redis } from 'ioredis'
import { serializeError } from '../../common/rpc/messages.ts'
import type { SerializedError } from '../../common/rpc/messages.ts'
import { cacheKeyPrefix, planCacheOp } from './cache-commands.ts'
import type { BatchOp, CacheGetMissing, CacheOp, CacheOptions, CommandPlan } from './cache-commands.ts'
import { openEmbedded, openRemote, redactRedisUrl } from './cache-connection.ts'
import type { CacheConnection, CommandClient } from './cache-connection.ts'

export type { CacheGetMissing, CacheOp, CacheOptions } from './cache-commands.ts'
export { IllegalOperationError, CACHE_OPS } from './cache-commands.ts'
import { clearEmbeddedCache as clearEmbedded } from './cache-connection.ts'

/**
 * Writes per embedded namespace (cache name + key prefix), by any store: the isolate keeps what it
 * read across batches and drops it when someone else wrote (another config of the plugin, a Reset).
 * `clears` counts whole-cache wipes, which touch every namespace.
 */
const namespaceWrites = new Map<string, number>()
let clears = 0
const WRITE_OPS = new Set(['set', 'incr', 'incrby', 'expire', 'lpush', 'lpop', 'lrem'])
/** The commands whose key's PTTL applyBatch can bring along (`pttl` option). */
const WITH_TTL = new Set(['get', 'incr'])

export function clearEmbeddedCache(name?: string): Promise<void> {
  clears++
  return clearEmbedded(name)
}

export interface CacheStoreOptions {
  /** A real Redis (redis://…); the embedded ioredis-mock when absent. */
  redisUrl?: string
  pluginId: string
  teamId: number | null
  /** What get() gives for a missing key: the default (PH-late, seed docs) or null (PS-2021/PH-2022). */
  cacheGetMissing?: CacheGetMissing
  /** Which embedded cache (one per name per process); stores with the same name share data. */
  embeddedName?: string
  /** Bound on connecting to redisUrl. */
  connectTimeoutMs?: number
  /**
   * The runtime clock's now() (default Date.now): the embedded cache's TTLs run on it, so they expire
   * when the studio advances time, not while it waits. A real Redis (redisUrl) keeps its own TTLs, in
   * real time: advancing the runtime clock does not expire its keys.
   */
  now?: () => number
}

/** One applyBatch outcome: each op succeeds or fails on its own, as separate plugin calls would. */
export type CacheOpResult = { ok: true; value: unknown; pttl?: number } | { ok: false; error: SerializedError }

export interface ApplyBatchOptions {
  /** Each successful get or incr also brings the key's PTTL (ms left, -1 none, -2 missing), read right after it. */
  pttl?: boolean
}

export interface CacheEntry {
  key: string
  /** Strings as stored JSON (parsed when it parses), lists as string[]. */
  value: unknown
  type: 'string' | 'list' | 'other'
  /** Milliseconds left, null when the key does not expire. */
  ttlMs: number | null
}

export interface CacheStore {
  set(key: string, value: unknown, ttlSeconds?: number, options?: CacheOptions): Promise<void>
  get(key: string, defaultValue: unknown, options?: CacheOptions): Promise<unknown>
  incr(key: string): Promise<number>
  expire(key: string, ttlSeconds: number): Promise<boolean>
  lpush(key: string, elementOrArray: unknown): Promise<number>
  lrange(key: string, start: number, end: number): Promise<string[]>
  llen(key: string): Promise<number>
  /** PostHog returns what Redis does: null for a missing key. */
  lpop(key: string, count: number): Promise<string[] | null>
  lrem(key: string, count: number, element: unknown): Promise<number>
  /** Many ops in one host call and, for a real Redis, one round trip (a pipeline). Results in order. */
  applyBatch(ops: BatchOp[], options?: ApplyBatchOptions): Promise<CacheOpResult[]>
  /**
   * Writes to this namespace not made through applyBatch (the isolate's path) since the store opened:
   * when it changes, what the isolate read may be stale. Null for a real Redis (writers are invisible).
   */
  externalWrites(): number | null
  /** This plugin's keys for the state inspector, namespace stripped, sorted by key. */
  snapshot(): Promise<CacheEntry[]>
  /** Deletes this plugin's keys (Reset). Returns how many were deleted. */
  flushPlugin(): Promise<number>
  close(): Promise<void>
}

/**
 * A SCAN pattern for the prefix. Glob characters in a plugin id become '?' (ioredis-mock ignores
 * backslash escapes); the exact prefix check after SCAN drops what '?' lets through.
 */
function scanPattern(prefix: string): string {
  return `${prefix.replace(/[*?[\]\\]/g, '?')}*`
}

function asCommands(redis: Redis): CommandClient {
  return redis as unknown as CommandClient
}

export function createCacheStore(options: CacheStoreOptions): CacheStore {
  const prefix = cacheKeyPrefix(options.pluginId, options.teamId)
  const getMissing: CacheGetMissing = options.cacheGetMissing ?? 'default'
  if (getMissing !== 'default' && getMissing !== 'null') {
    throw new Error(`cacheGetMissing must be 'default' or 'null', not ${JSON.stringify(getMissing)}`)
  }
  const connection: CacheConnection = options.redisUrl
    ? openRemote(options.redisUrl, options.connectTimeoutMs)
    : openEmbedded(options.embeddedName)
  let closed = false
  const namespace = `${options.embeddedName ?? ''}\n${prefix}`
  let ownWrites = 0
  const countWrite = (own: boolean) => {
    if (!connection.embedded) return
    namespaceWrites.set(namespace, (namespaceWrites.get(namespace) ?? 0) + 1)
    if (own) ownWrites++
  }
  const clearsAtOpen = clears

  function use<T>(work: (redis: Redis) => Promise<T>): Promise<T> {
    if (closed) return Promise.reject(new Error('This cache store is closed'))
    return connection.use(work)
  }

  /** Connection trouble names the server; Redis's own replies (ReplyError) reach the plugin as they are. */
  function explain(error: unknown): unknown {
    if (connection.embedded || !(error instanceof Error) || error.name === 'ReplyError' || error.message.startsWith('Cannot reach Redis')) return error
    return new Error(`Redis at ${redactRedisUrl(options.redisUrl as string)} for meta.cache: ${error.message}`, { cause: error })
  }

  const now = options.now ?? (() => Date.now())
  /** Embedded: key → deadline on `now` (cache-connection.ts); ioredis-mock itself keeps no TTL of ours. */
  const deadlines = connection.deadlines ?? new Map<string, number>()

  /** Embedded: Redis's lazy expiry on the runtime's clock. A key past its deadline is deleted before any command sees it. */
  async function expireIfDue(commands: CommandClient, key: string): Promise<void> {
    const deadline = deadlines.get(key)
    if (deadline === undefined) return
    const due = now() >= deadline
    if (due) await commands.del(key)
    // Gone by now (expired, or emptied by LPOP/LREM): a key made again later starts without a TTL.
    if (due || (await commands.exists(key)) === 0) deadlines.delete(key)
  }

  /**
   * Embedded: one command with its key's TTL on the runtime's clock. SET … EX and EXPIRE record
   * `now() + ttl` and take the TTL off ioredis-mock (which would expire by the real clock); PTTL and
   * TTL answer from the deadline, so every path (single calls, applyBatch, snapshot) agrees.
   */
  async function sendEmbedded(redis: Redis, plan: CommandPlan): Promise<unknown> {
    const commands = asCommands(redis)
    const key = String(plan.args[0])
    await expireIfDue(commands, key)
    if (plan.command === 'pttl' || plan.command === 'ttl') {
      if ((await commands.exists(key)) === 0) return -2
      const deadline = deadlines.get(key)
      if (deadline === undefined) return -1
      const left = deadline - now()
      return plan.command === 'pttl' ? left : Math.floor((left + 500) / 1000) // Redis rounds TTL to the nearest second
    }
    if (plan.embeddedGuard) {
      const guard = plan.embeddedGuard
      guard.verify(await commands[guard.command](...guard.args))
    }
    const reply = await commands[plan.command](...plan.args)
    // A SET replaces the TTL (none without EX); EXPIRE sets one, or deletes the key for ttl <= 0.
    // PERSIST answers 1 only for a key that exists with a TTL in ioredis-mock: that TTL moves to the clock.
    const ttlSeconds = plan.command === 'set' ? (plan.args[2] === 'EX' ? plan.args[3] : undefined) : plan.command === 'expire' && reply === 1 ? plan.args[1] : null
    if (ttlSeconds !== null) {
      if (ttlSeconds !== undefined && (await commands.persist(key)) === 1) deadlines.set(key, now() + Number(ttlSeconds) * 1000)
      else deadlines.delete(key)
    }
    return reply
  }

  async function send(redis: Redis, plan: CommandPlan): Promise<unknown> {
    if (connection.embedded) return sendEmbedded(redis, plan)
    // A real Redis: its own TTLs, in real time.
    try {
      return await asCommands(redis)[plan.command](...plan.args)
    } catch (error) {
      throw explain(error)
    }
  }

  async function run(plan: CommandPlan): Promise<unknown> {
    return plan.decode(await use((redis) => send(redis, plan)))
  }

  const call = (op: CacheOp): Promise<unknown> => {
    let plan: CommandPlan
    try {
      plan = planCacheOp(op, prefix, getMissing)
    } catch (error) {
      return Promise.reject(error)
    }
    if (WRITE_OPS.has(op.op)) countWrite(false)
    return run(plan)
  }

  async function applyBatch(ops: BatchOp[], batchOptions: ApplyBatchOptions = {}): Promise<CacheOpResult[]> {
    if (!Array.isArray(ops)) throw new Error('applyBatch expects an array of cache operations')
    const plans = ops.map((op): CommandPlan | Error => {
      try {
        if (typeof op !== 'object' || op === null || !Array.isArray(op.args)) throw new Error('A cache operation must be {op, args: [...]}')
        return planCacheOp(op, prefix, getMissing)
      } catch (error) {
        return error instanceof Error ? error : new Error(String(error))
      }
    })
    const commands = plans.filter((p): p is CommandPlan => !(p instanceof Error))
    ops.forEach((op, i) => {
      if (!(plans[i] instanceof Error) && WRITE_OPS.has(op.op)) countWrite(true)
    })
    // A get's or incr's PTTL travels as the next command of the same lane turn / pipeline.
    const withTtl = batchOptions.pttl === true
    const sent = withTtl ? commands.flatMap((p) => (WITH_TTL.has(p.command) ? [p, { command: 'pttl', args: [p.args[0]], decode: (r: unknown) => r }] : [p])) : commands
    const received = await use(async (redis): Promise<[Error | null, unknown][]> => {
      if (connection.embedded) {
        // In-process and in order, inside one turn of the lane. (ioredis-mock's pipeline fails whole
        // on one error, where Redis answers each command.)
        const outcomes: [Error | null, unknown][] = []
        for (const plan of sent) {
          try {
            outcomes.push([null, await send(redis, plan)])
          } catch (error) {
            outcomes.push([error instanceof Error ? error : new Error(String(error)), null])
          }
        }
        return outcomes
      }
      try {
        return ((await redis.pipeline(sent.map((p) => [p.command, ...p.args])).exec()) ?? []) as [Error | null, unknown][]
      } catch (error) {
        throw explain(error)
      }
    })
    let next = 0
    return plans.map((plan): CacheOpResult => {
      if (plan instanceof Error) return { ok: false, error: serializeError(plan) }
      const [error, reply] = received[next++] ?? [new Error('Redis gave no reply for this operation'), null]
      const ttl = withTtl && WITH_TTL.has(plan.command) ? received[next++] : undefined
      if (error) return { ok: false, error: serializeError(explain(error)) }
      try {
        if (ttl) return { ok: true, value: plan.decode(reply), pttl: !ttl[0] && typeof ttl[1] === 'number' ? ttl[1] : 0 }
        return { ok: true, value: plan.decode(reply) }
      } catch (decodeError) {
        return { ok: false, error: serializeError(decodeError) }
      }
    })
  }

  async function pluginKeys(redis: Redis): Promise<string[]> {
    const keys = new Set<string>()
    let cursor = '0'
    do {
      const [nextCursor, batch] = await redis.scan(cursor, 'MATCH', scanPattern(prefix), 'COUNT', 500)
      for (const key of batch) if (key.startsWith(prefix)) keys.add(key)
      cursor = nextCursor
    } while (cursor !== '0')
    return [...keys].sort()
  }

  const snapshot = (): Promise<CacheEntry[]> => use(async (redis) => {
    if (connection.embedded) for (const key of [...deadlines.keys()]) if (key.startsWith(prefix)) await expireIfDue(asCommands(redis), key)
    const keys = await pluginKeys(redis)
    if (keys.length === 0) return []
    const types = (await redis.pipeline(keys.map((k) => ['type', k])).exec()) ?? []
    const reads = keys.map((k, i) => (types[i]?.[1] === 'list' ? ['lrange', k, 0, -1] : types[i]?.[1] === 'string' ? ['get', k] : ['type', k]))
    const values = (await redis.pipeline(reads).exec()) ?? []
    const ttls = (await redis.pipeline(keys.map((k) => ['pttl', k])).exec()) ?? []
    const entries: CacheEntry[] = []
    keys.forEach((fullKey, i) => {
      const deadline = deadlines.get(fullKey)
      const pttl = ttls[i]?.[1] === -1 && deadline !== undefined ? deadline - now() : ttls[i]?.[1]
      const type = types[i]?.[1]
      if (pttl === -2 || type === 'none') return // expired between SCAN and now
      let value = values[i]?.[1]
      if (type === 'string' && typeof value === 'string') {
        try {
          value = JSON.parse(value)
        } catch {}
      }
      entries.push({
        key: fullKey.slice(prefix.length),
        value,
        type: type === 'string' || type === 'list' ? type : 'other',
        ttlMs: typeof pttl === 'number' && pttl >= 0 ? pttl : null,
      })
    })
    return entries
  })

  const flushPlugin = (): Promise<number> => use(async (redis) => {
    countWrite(false)
    const keys = await pluginKeys(redis)
    let deleted = 0
    for (let i = 0; i < keys.length; i += 500) deleted += await redis.del(...keys.slice(i, i + 500))
    for (const key of keys) deadlines.delete(key)
    return deleted
  })

  return {
    set: (key, value, ttlSeconds, opts) => call({ op: 'set', args: [key, value, ttlSeconds, opts] }) as Promise<void>,
    get: (key, defaultValue, opts) => call({ op: 'get', args: [key, defaultValue, opts] }),
    incr: (key) => call({ op: 'incr', args: [key] }) as Promise<number>,
    expire: (key, ttlSeconds) => call({ op: 'expire', args: [key, ttlSeconds] }) as Promise<boolean>,
    lpush: (key, elementOrArray) => call({ op: 'lpush', args: [key, elementOrArray] }) as Promise<number>,
    lrange: (key, start, end) => call({ op: 'lrange', args: [key, start, end] }) as Promise<string[]>,
    llen: (key) => call({ op: 'llen', args: [key] }) as Promise<number>,
    lpop: (key, count) => call({ op: 'lpop', args: [key, count] }) as Promise<string[] | null>,
    lrem: (key, count, element) => call({ op: 'lrem', args: [key, count, element] }) as Promise<number>,
    applyBatch,
    externalWrites: () => (connection.embedded ? (namespaceWrites.get(namespace) ?? 0) + (clears - clearsAtOpen) - ownWrites : null),
    snapshot,
    flushPlugin,
    close: async () => {
      if (closed) return
      closed = true
      await connection.release()
    },
  }
}
