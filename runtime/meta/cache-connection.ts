// The Redis clients behind meta.cache. Embedded: one ioredis-mock client per name, whose data lives
// for the whole process (ioredis-mock shares data per host:port, so the name becomes the host).
// Real: one ioredis connection per URL, shared by every store that uses it and closed with the last.
import { Redis } from 'ioredis'
import RedisMock from 'ioredis-mock'

/** The few commands the cache sends, as methods of both ioredis and ioredis-mock. */
export type CommandClient = Record<string, (...args: (string | number)[]) => Promise<unknown>>

export interface CacheConnection {
  /** True for ioredis-mock: commands run in-process, so a batch needs no pipeline. */
  embedded: boolean
  /**
   * Runs `work` with the client. Embedded: one at a time per instance, so a guard read and its
   * command (or a whole batch) see no other change in between, as one Redis command would.
   */
  use<T>(work: (redis: Redis) => Promise<T>): Promise<T>
  release(): Promise<void>
  /**
   * Embedded only: the keys' expiry deadlines on the runtime's clock (ms since the epoch, full
   * namespaced key), shared by every store of the instance. ioredis-mock expires by the real clock,
   * so the store keeps TTLs here instead (cache-store.ts); a real Redis keeps its own, in real time.
   */
  deadlines?: Map<string, number>
}

export const DEFAULT_EMBEDDED_NAME = 'default'
export const DEFAULT_CONNECT_TIMEOUT_MS = 3000

interface EmbeddedInstance {
  client: Redis
  /** The tail of the one-at-a-time lane. */
  lane: Promise<unknown>
  deadlines: Map<string, number>
}

const embedded = new Map<string, EmbeddedInstance>()

function embeddedInstance(name: string): EmbeddedInstance {
  let instance = embedded.get(name)
  if (!instance) {
    // ioredis-mock keys its shared data by `${host}:${port}/${db}`; a made-up host per name keeps
    // names apart, and never touches the network.
    instance = { client: new RedisMock({ host: `plugin-studio-embedded-${name}`, port: 6379, lazyConnect: false }), lane: Promise.resolve(), deadlines: new Map() }
    embedded.set(name, instance)
  }
  return instance
}

function embeddedClient(name: string): Redis {
  return embeddedInstance(name).client
}

/** The raw ioredis-mock client behind an embedded cache (for inspection and tests). */
export function embeddedRedis(name = DEFAULT_EMBEDDED_NAME): Redis {
  return embeddedClient(name)
}

export function openEmbedded(name = DEFAULT_EMBEDDED_NAME): CacheConnection {
  const instance = embeddedInstance(name)
  return {
    embedded: true,
    use: (work) => {
      const result = instance.lane.then(() => work(instance.client))
      instance.lane = result.catch(() => {})
      return result
    },
    release: async () => {},
    deadlines: instance.deadlines,
  }
}

/** Empties one embedded cache (every plugin and team in it), e.g. between test suites. */
export async function clearEmbeddedCache(name = DEFAULT_EMBEDDED_NAME): Promise<void> {
  const instance = embeddedInstance(name)
  await instance.client.flushall()
  instance.deadlines.clear()
}

/** The URL as it may appear in messages: without its password. */
export function redactRedisUrl(url: string): string {
  try {
    const parsed = new URL(url)
    if (parsed.password) parsed.password = '***'
    return parsed.toString()
  } catch {
    return url
  }
}

interface SharedConnection {
  refs: number
  lastError: Error | null
  ready: Promise<Redis> | null
  redis: Redis
}

const remote = new Map<string, SharedConnection>()

async function connect(url: string, shared: SharedConnection, timeoutMs: number): Promise<Redis> {
  const where = redactRedisUrl(url)
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs)
  })
  shared.lastError = null
  try {
    await Promise.race([shared.redis.connect(), timeout])
    return shared.redis
  } catch (error) {
    shared.redis.disconnect()
    shared.ready = null // the next call tries again: Redis may have come up meanwhile
    // ioredis rejects connect() with a bare "Connection is closed."; the 'error' event says why.
    const reason = shared.lastError ?? error
    shared.lastError = null
    const why = reason instanceof Error ? reason.message : String(reason)
    throw new Error(`Cannot reach Redis at ${where} for meta.cache: ${why}`, { cause: error })
  } finally {
    clearTimeout(timer)
  }
}

export function openRemote(url: string, connectTimeoutMs = DEFAULT_CONNECT_TIMEOUT_MS): CacheConnection {
  let shared = remote.get(url)
  if (!shared) {
    const redis = new Redis(url, {
      lazyConnect: true,
      connectTimeout: connectTimeoutMs,
      // Fail a command fast instead of queueing it while Redis is away; the plugin sees the error.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      retryStrategy: (times) => (times > 20 ? null : Math.min(times * 100, 1000)),
    })
    shared = { refs: 0, lastError: null, ready: null, redis }
    const self = shared
    // ioredis reports connection trouble as 'error' events; kept for the message, the failing
    // command carries it to the plugin.
    redis.on('error', (error: Error) => {
      self.lastError ??= error // the first one says why; later retries only echo it
    })
    remote.set(url, shared)
  }
  shared.refs += 1
  const connection = shared
  let released = false
  const client = (): Promise<Redis> => {
    if (released) return Promise.reject(new Error('This cache store is closed'))
    if (connection.redis.status === 'ready') return Promise.resolve(connection.redis)
    if (!connection.ready || connection.redis.status === 'end') {
      connection.ready = connect(url, connection, connectTimeoutMs)
    }
    return connection.ready
  }
  return {
    embedded: false,
    use: async (work) => work(await client()),
    release: async () => {
      if (released) return
      released = true
      connection.refs -= 1
      if (connection.refs > 0) return
      remote.delete(url)
      if (connection.redis.status === 'ready') {
        // QUIT lets pending replies arrive; bounded so a dead server cannot hold the runtime.
        await Promise.race([connection.redis.quit().catch(() => {}), new Promise((resolve) => setTimeout(resolve, 1000).unref())])
      }
      connection.redis.disconnect()
    },
  }
}
