// PostHog's meta extensions, host side, for one plugin config: the stores (cache, storage, cursor,
// geoip) and fetch, behind the one handler the isolate's host-op queue calls. The isolate side of
// meta (and its write-through cache layer) is runtime/sandbox/meta.isolate.ts.
import type { CacheGetMissing, CacheOp, CacheStore } from './cache-store.ts'
import { createCacheStore } from './cache-store.ts'
import type { StorageStore } from './storage-store.ts'
import { createStorageStore } from './storage-store.ts'
import type { Cursor } from './cursor.ts'
import { createCursor } from './cursor.ts'
import type { GeoIp } from './geoip.ts'
import { createGeoIp } from './geoip.ts'
import { CACHE_MISSING } from '../sandbox/sandbox.constants.ts'
import { createFetchRecorder, DEFAULT_FETCH_POLICY, performFetch } from './fetch-policy.ts'
import type { FetchFixture, FetchPolicy, FetchRecorder, FetchRequest } from './fetch-policy.ts'

export interface MetaHostOptions {
  /** PostHog's plugin id: the cache namespace `@plugin/<pluginId>/<teamId>/`. */
  pluginId: string
  /** PostHog's plugin config id: the storage namespace. */
  pluginConfigId: string
  teamId: number
  redisUrl?: string
  storageDir?: string
  cacheGetMissing?: CacheGetMissing
  /** Which plugin fetches the workspace allows (fetch-policy.ts); PostHog-like "any public host" by default. */
  fetchPolicy?: FetchPolicy
  /** Recorded responses for the 'fixtures' fetch mode. */
  fetchFixtures?: FetchFixture[]
  /** The runtime clock's now(): fetch records carry it; the embedded cache's TTLs run on it. */
  now?: () => number
  /** Host operations served outside the stores (jobs, posthogApi), by kind. */
  handlers?: Record<string, (args: unknown[]) => Promise<unknown>>
}

export interface MetaHost {
  /** Serves one request from the isolate's host-op queue. */
  handle(kind: string, args: unknown[]): Promise<unknown>
  readonly cache: CacheStore
  readonly storage: StorageStore
  /** Every plugin fetch, refused ones included. */
  readonly fetches: FetchRecorder
  close(): Promise<void>
}

let sharedGeoIp: GeoIp | undefined

export function createMetaHost(options: MetaHostOptions): MetaHost {
  const cache = createCacheStore({ redisUrl: options.redisUrl, pluginId: options.pluginId, teamId: options.teamId, cacheGetMissing: options.cacheGetMissing, now: options.now })
  const storage = createStorageStore({ dir: options.storageDir, pluginConfigId: options.pluginConfigId })
  const cursor: Cursor = createCursor(storage)
  const missing = { missing: true }
  const fetches = createFetchRecorder({ now: options.now ?? (() => Date.now()), fixtures: options.fetchFixtures })
  const policy = options.fetchPolicy ?? DEFAULT_FETCH_POLICY

  async function handle(kind: string, args: unknown[]): Promise<unknown> {
    switch (kind) {
      case 'cache': {
        const ops = (args[0] as CacheOp[]).map((op) =>
          // The isolate asks for raw reads with a marker default; the store's decode hands it back.
          op.op === 'get' && op.args[1] === CACHE_MISSING ? { ...op, args: [op.args[0], CACHE_MISSING, { jsonSerialize: false }] } : op,
        ) as CacheOp[]
        // Gets bring their TTL, and every reply the count of others' writes: the isolate keeps what it
        // read across batches until either says it may be stale (runtime/sandbox/meta.isolate.ts).
        return { results: await cache.applyBatch(ops, { pttl: true }), externalWrites: cache.externalWrites() }
      }
      case 'cacheWrites':
        // The writes a task made, applied when it ended (no TTLs to bring back).
        return cache.applyBatch(args[0] as CacheOp[])
      case 'storage': {
        const [method, key, text] = args as [string, string, string | undefined]
        if (method === 'get') {
          const value = await storage.get(key, missing)
          return value === missing ? null : JSON.stringify(value)
        }
        if (method === 'set') return storage.set(key, JSON.parse(text as string))
        if (method === 'del') return storage.del(key)
        throw new Error(`Unknown storage method ${method}`)
      }
      case 'cursor': {
        const [method, key, n] = args as [string, string, number]
        if (method === 'init') return cursor.init(key, n)
        if (method === 'increment') return cursor.increment(key, n)
        throw new Error(`Unknown cursor method ${method}`)
      }
      case 'geoip':
        sharedGeoIp ??= createGeoIp()
        return sharedGeoIp.locate(args[0] as string)
      case 'fetch': {
        const response = await performFetch(policy, fetches, args[0] as FetchRequest)
        const { bodyBase64, ...rest } = response
        return { ...rest, body: new Uint8Array(Buffer.from(bodyBase64, 'base64')) }
      }
      default: {
        const handler = options.handlers?.[kind]
        if (handler) return handler(args)
        throw new Error(`Unknown host operation ${kind}`)
      }
    }
  }

  return {
    handle,
    cache,
    storage,
    fetches,
    close: () => cache.close(),
  }
}
