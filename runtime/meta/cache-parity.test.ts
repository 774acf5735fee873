// One script of plugin cache calls against the embedded ioredis-mock and a real redis-server: the
// results must be the same (errors compared as "an error", since the texts differ).
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { requireSystemPart } from '../../test-support/system-parts.ts'
import { clearEmbeddedCache, createCacheStore } from './cache-store.ts'
import type { CacheOp, CacheStore } from './cache-store.ts'
import { startRedisServer } from '../../test-support/redis-server.ts'

const SCRIPT: CacheOp[] = [
  { op: 'get', args: ['missing', 'default'] },
  { op: 'set', args: ['obj', { a: 1, b: [true, null] }] },
  { op: 'get', args: ['obj', null] },
  { op: 'set', args: ['raw', 'text', undefined, { jsonSerialize: false }] },
  { op: 'get', args: ['raw', null] },
  { op: 'get', args: ['raw', null, { jsonSerialize: false }] },
  { op: 'set', args: ['empty', '', undefined, { jsonSerialize: false }] },
  { op: 'get', args: ['empty', 'd'] },
  { op: 'incr', args: ['counter'] },
  { op: 'incr', args: ['counter'] },
  { op: 'get', args: ['counter', 0] },
  { op: 'incr', args: ['obj'] },
  { op: 'expire', args: ['counter', 100] },
  { op: 'expire', args: ['missing', 100] },
  { op: 'set', args: ['short', 'v', 1] },
  { op: 'lpush', args: ['list', 'a string'] },
  { op: 'lpush', args: ['list', ['an', 'array']] },
  { op: 'lrange', args: ['list', 0, 3] },
  { op: 'lrange', args: ['list', -2, -1] },
  { op: 'lrange', args: ['list', 5, 10] },
  { op: 'llen', args: ['list'] },
  { op: 'lpush', args: ['nums', ['1', '2', '3', '2']] },
  { op: 'lpop', args: ['nums', 1] },
  { op: 'lrem', args: ['nums', 1, '2'] },
  { op: 'lrange', args: ['nums', 0, -1] },
  { op: 'lrem', args: ['nums', 0, 'absent'] },
  { op: 'lpop', args: ['nums', 5] },
  { op: 'lpop', args: ['nums', 1] },
  { op: 'llen', args: ['nums'] },
  { op: 'lpush', args: ['obj', 'x'] },
  { op: 'lrange', args: ['obj', 0, -1] },
  { op: 'get', args: ['list', 'd'] },
  { op: 'lpush', args: ['bad', 5] },
  { op: 'lrange', args: ['list', '0', 1] } as unknown as CacheOp,
]

type Outcome = { value: unknown } | { error: true }

async function runOneByOne(cache: CacheStore): Promise<Outcome[]> {
  const outcomes: Outcome[] = []
  for (const step of SCRIPT) {
    const method = cache[step.op] as (...args: unknown[]) => Promise<unknown>
    try {
      outcomes.push({ value: await method(...step.args) })
    } catch {
      outcomes.push({ error: true })
    }
  }
  return outcomes
}

async function runBatched(cache: CacheStore): Promise<Outcome[]> {
  return (await cache.applyBatch(SCRIPT)).map((r) => (r.ok ? { value: r.value } : { error: true }))
}

async function finalState(cache: CacheStore): Promise<unknown> {
  return (await cache.snapshot()).map(({ key, value, type, ttlMs }) => ({ key, value, type, expires: ttlMs !== null }))
}

test('the same cache script gives the same results on ioredis-mock and redis-server', async (t) => {
  if (!requireSystemPart(t, 'redis-server')) return
  const server = await startRedisServer()
  const embeddedName = `parity-${process.pid}`
  const stores: CacheStore[] = []
  const open = (redisUrl: string | undefined, pluginId: string) => {
    const store = createCacheStore({ pluginId, teamId: 1, redisUrl, embeddedName })
    stores.push(store)
    return store
  }
  const pairs: { label: string; mock: CacheStore; redis: CacheStore }[] = []
  try {
    for (const [label, run] of [['one call at a time', runOneByOne], ['applyBatch', runBatched]] as const) {
      const mock = open(undefined, `parity-${label}`)
      const redis = open(server.url, `parity-${label}`)
      pairs.push({ label, mock, redis })
      const mockOutcomes = await run(mock)
      const redisOutcomes = await run(redis)
      SCRIPT.forEach((step, i) => assert.deepEqual(mockOutcomes[i], redisOutcomes[i], `${label}, step ${i}: ${JSON.stringify(step)}`))
      assert.deepEqual(await finalState(mock), await finalState(redis), `${label}: state after the script`)
    }
    // And both agree once 'short' (1 s) has expired.
    await new Promise((resolve) => setTimeout(resolve, 1100))
    for (const { label, mock, redis } of pairs) {
      assert.equal(await mock.get('short', 'gone'), 'gone')
      assert.equal(await redis.get('short', 'gone'), 'gone')
      assert.deepEqual(await finalState(mock), await finalState(redis), `${label}: state after expiry`)
    }
  } finally {
    await Promise.all(stores.map((s) => s.close()))
    await clearEmbeddedCache(embeddedName)
    await server.stop()
  }
})
