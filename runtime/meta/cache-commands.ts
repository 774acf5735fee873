// PostHog's meta.cache methods as Redis commands: argument checks with PostHog's exact error texts
// (plugin-server extensions/cache.ts), the one command each method sends, and how its reply becomes
// the value the plugin sees (db.ts redisGet/redisSet/…). Pure: no connection, so the single-call
// path and the batch path share every rule.

export type CacheGetMissing = 'default' | 'null'

export interface CacheOptions {
  jsonSerialize?: boolean
}

/** One cache call as JSON, for applyBatch: the same arguments the plugin passed. */
export type CacheOp =
  | { op: 'set'; args: [key: string, value: unknown, ttlSeconds?: number, options?: CacheOptions] }
  | { op: 'get'; args: [key: string, defaultValue: unknown, options?: CacheOptions] }
  | { op: 'incr'; args: [key: string] }
  | { op: 'expire'; args: [key: string, ttlSeconds: number] }
  | { op: 'lpush'; args: [key: string, elementOrArray: unknown] }
  | { op: 'lrange'; args: [key: string, start: number, end: number] }
  | { op: 'llen'; args: [key: string] }
  | { op: 'lpop'; args: [key: string, count: number] }
  | { op: 'lrem'; args: [key: string, count: number, element: unknown] }

export const CACHE_OPS = ['set', 'get', 'incr', 'expire', 'lpush', 'lrange', 'llen', 'lpop', 'lrem'] as const

/** What applyBatch takes: the plugins' calls, and the host's coalesced run of a key's INCRs (runtime/cache-write-behind.ts). */
export type BatchOp = CacheOp | { op: 'incrby'; args: [key: string, by: number] }

/** A Redis command ready to send, and how to turn its reply into the plugin's value. */
export interface CommandPlan {
  command: string
  args: (string | number)[]
  decode: (reply: unknown) => unknown
  /**
   * For the embedded cache only: a read that must pass `verify` before the command runs, where
   * ioredis-mock would corrupt data that Redis protects with an error.
   */
  embeddedGuard?: { command: string; args: (string | number)[]; verify: (reply: unknown) => void }
}

/** PostHog's error for operations a plugin may not do (utils.ts IllegalOperationError). */
export class IllegalOperationError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'IllegalOperationError'
  }
}

/** A Redis error reply, raised the same way for the embedded cache where ioredis-mock stays silent. */
export class RedisReplyError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ReplyError'
  }
}

export const MAX_LPUSH_ELEMENTS = 1000

const NOT_AN_INTEGER = 'ERR value is not an integer or out of range'
const WRONG_TYPE = 'WRONGTYPE Operation against a key holding the wrong kind of value'

/** Redis's string2ll: canonical decimal, no sign '+', no leading zeros, within a signed 64-bit. */
function isRedisInteger(text: string): boolean {
  if (!/^(0|-?[1-9][0-9]{0,18})$/.test(text)) return false
  const value = BigInt(text)
  return value >= -(2n ** 63n) && value < 2n ** 63n
}

export function cacheKeyPrefix(pluginId: string, teamId: number | null): string {
  return `@plugin/${pluginId}/${teamId ?? '@all'}/`
}

/** What ioredis sends for a non-string argument: null/undefined become '', the rest String(). */
function asRedisString(value: unknown): string {
  if (value === null || value === undefined) return ''
  return typeof value === 'string' ? value : String(value)
}

const identity = (reply: unknown): unknown => reply

export function planCacheOp(op: BatchOp, prefix: string, getMissing: CacheGetMissing): CommandPlan {
  const key = prefix + String(op.args[0])
  switch (op.op) {
    case 'set': {
      const [, value, ttlSeconds, options] = op.args
      const serialized = options?.jsonSerialize === false ? asRedisString(value) : asRedisString(JSON.stringify(value))
      // PostHog adds EX only when ttlSeconds is truthy.
      const args: (string | number)[] = ttlSeconds ? [key, serialized, 'EX', ttlSeconds] : [key, serialized]
      return { command: 'set', args, decode: () => undefined }
    }
    case 'get': {
      const [, defaultValue, options] = op.args
      const jsonSerialize = options?.jsonSerialize !== false
      return {
        command: 'get',
        args: [key],
        decode: (reply) => {
          // PS-2021/PH-2022 give null for a missing key (ioredis says null, they test === undefined);
          // PH-late and the seed docs give the default.
          if (reply === null || reply === undefined) return getMissing === 'default' ? defaultValue : null
          // ioredis-mock hands out a list where Redis refuses GET on it.
          if (typeof reply !== 'string') throw new RedisReplyError(WRONG_TYPE)
          if (!reply) return null // a stored '' is falsy: null in every version
          if (!jsonSerialize) return reply
          try {
            return JSON.parse(reply as string)
          } catch (error) {
            if (error instanceof SyntaxError) return null
            throw error
          }
        },
      }
    }
    case 'incr':
    case 'incrby':
      return {
        command: op.op,
        args: op.op === 'incrby' ? [key, op.args[1]] : [key],
        decode: (reply) => {
          if (typeof reply !== 'number' || Number.isNaN(reply)) throw new RedisReplyError(NOT_AN_INTEGER)
          return reply
        },
        // ioredis-mock would store 'NaN' over a text value (or a list); Redis refuses and keeps it.
        embeddedGuard: {
          command: 'get',
          args: [key],
          verify: (current) => {
            if (current === null || current === undefined) return
            if (typeof current !== 'string') throw new RedisReplyError(WRONG_TYPE)
            if (!isRedisInteger(current)) throw new RedisReplyError(NOT_AN_INTEGER)
          },
        },
      }
    case 'expire':
      return { command: 'expire', args: [key, op.args[1]], decode: (reply) => reply === 1 }
    case 'lpush': {
      const elementOrArray = op.args[1]
      const isString = typeof elementOrArray === 'string'
      if (!Array.isArray(elementOrArray) && !isString) throw new Error('cache.lpush expects a string value or an array of strings')
      let elements: string[]
      if (isString) {
        elements = [elementOrArray]
      } else {
        if (elementOrArray.length > MAX_LPUSH_ELEMENTS) {
          throw new IllegalOperationError(`Too many elements in array for cache.lpush. Maximum: ${MAX_LPUSH_ELEMENTS}`)
        }
        elements = elementOrArray.map((el) => String(el))
      }
      // Redis refuses LPUSH without elements; ioredis-mock would answer 0.
      if (elements.length === 0) throw new RedisReplyError("ERR wrong number of arguments for 'lpush' command")
      return { command: 'lpush', args: [key, ...elements], decode: identity }
    }
    case 'lrange': {
      const [, start, end] = op.args
      if (typeof start !== 'number' || typeof end !== 'number') throw new Error('cache.lrange expects a number for the start and end indexes')
      return { command: 'lrange', args: [key, start, end], decode: identity }
    }
    case 'llen':
      return { command: 'llen', args: [key], decode: identity }
    case 'lrem': {
      const [, count, element] = op.args
      if (typeof count !== 'number') throw new Error('cache.lrem expects a number for the "count" argument')
      return { command: 'lrem', args: [key, count, asRedisString(element)], decode: identity }
    }
    case 'lpop': {
      const count = op.args[1]
      if (typeof count !== 'number') throw new Error('cache.lpop expects a number for the "count" argument')
      // LPOP key count (Redis ≥ 6.2); a missing key answers null, as in PostHog.
      return { command: 'lpop', args: [key, count], decode: identity }
    }
    default: {
      const unknownOp: { op?: unknown } = op
      throw new Error(`Unknown cache operation ${JSON.stringify(unknownOp.op)}; expected one of ${CACHE_OPS.join(', ')}`)
    }
  }
}
