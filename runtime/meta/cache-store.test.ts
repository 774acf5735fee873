import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, describe, test } from 'node:test'
import type { TestContext } from 'node:test'
import { Redis } from 'ioredis'
import { requireSystemPart } from '../../test-support/system-parts.ts'
import { clearEmbeddedCache, createCacheStore, IllegalOperationError } from './cache-store.ts'
import type { CacheOp, CacheStore, CacheStoreOptions } from './cache-store.ts'
import { embeddedRedis } from './cache-connection.ts'
import { startRedisServer } from '../../test-support/redis-server.ts'
import type { RedisServer } from '../../test-support/redis-server.ts'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** A backend the same tests run against: the embedded cache, or a redis-server of our own. */
interface Backend {
  name: string
  /** Null when the backend is missing and the test was skipped. */
  store(t: TestContext, options?: Partial<CacheStoreOptions>): Promise<CacheStore | null>
  raw(t: TestContext): Promise<Redis>
}

const EMBEDDED_NAME = `cache-test-${process.pid}`
const opened: CacheStore[] = []
const rawClients: Redis[] = []

const embedded: Backend = {
  name: 'embedded ioredis-mock',
  async store(_t, options = {}) {
    const store = createCacheStore({ pluginId: `p-${randomUUID()}`, teamId: 2, embeddedName: EMBEDDED_NAME, ...options })
    opened.push(store)
    return store
  },
  async raw() {
    return embeddedRedis(EMBEDDED_NAME)
  },
}

let server: Promise<RedisServer> | null = null
const real: Backend = {
  name: 'redis-server',
  async store(t, options = {}) {
    if (!requireSystemPart(t, 'redis-server')) return null
    server ??= startRedisServer()
    const store = createCacheStore({ pluginId: `p-${randomUUID()}`, teamId: 2, redisUrl: (await server).url, ...options })
    opened.push(store)
    return store
  },
  async raw() {
    const client = new Redis((await (server ??= startRedisServer())).url)
    rawClients.push(client)
    return client
  },
}

after(async () => {
  await Promise.all(opened.map((store) => store.close()))
  for (const client of rawClients) client.disconnect()
  await clearEmbeddedCache(EMBEDDED_NAME)
  if (server) await (await server).stop()
})

for (const backend of [embedded, real]) {
  describe(`meta.cache on ${backend.name}`, () => {
    test('set/get round-trips JSON values; a missing key gives the default', async (t) => {
      const cache = await backend.store(t)
      if (!cache) return
      for (const [key, value] of [['object', { a: [1, 'two', null] }], ['number', 42], ['string', 'hi'], ['array', [1, 2]], ['bool', false]] as const) {
        assert.equal(await cache.set(key, value), undefined)
        assert.deepEqual(await cache.get(key, 'default'), value)
      }
      assert.equal(await cache.get('missing', 0), 0)
      assert.equal(await cache.get('missing', undefined), undefined)
      await cache.set('null', null)
      assert.equal(await cache.get('null', 'default'), null, "null is stored as 'null'")
    })

    test("cacheGetMissing 'null' gives PS-2021/PH-2022's null for a missing key", async (t) => {
      const cache = await backend.store(t, { cacheGetMissing: 'null' })
      if (!cache) return
      assert.equal(await cache.get('missing', 0), null)
      await cache.set('there', 5)
      assert.equal(await cache.get('there', 0), 5)
      assert.throws(() => createCacheStore({ pluginId: 'x', teamId: 1, cacheGetMissing: 'nope' as 'null' }), /cacheGetMissing must be 'default' or 'null'/)
    })

    test('jsonSerialize:false stores raw text; falsy text and unparsable JSON read as null', async (t) => {
      const cache = await backend.store(t)
      if (!cache) return
      await cache.set('raw', 'not json', undefined, { jsonSerialize: false })
      assert.equal(await cache.get('raw', 'd', { jsonSerialize: false }), 'not json')
      assert.equal(await cache.get('raw', 'd'), null, 'SyntaxError while parsing → null')
      await cache.set('empty', '', undefined, { jsonSerialize: false })
      assert.equal(await cache.get('empty', 'd', { jsonSerialize: false }), null)
      await cache.set('num', 12, undefined, { jsonSerialize: false })
      assert.equal(await cache.get('num', 'd', { jsonSerialize: false }), '12')
      await cache.set('undef', undefined)
      assert.equal(await cache.get('undef', 'd'), null, "JSON.stringify(undefined) is sent as ''")
    })

    test('keys live under @plugin/<pluginId>/<teamId or @all>/', async (t) => {
      const pluginId = `ns-${randomUUID()}`
      const team = await backend.store(t, { pluginId, teamId: 7 })
      const all = await backend.store(t, { pluginId, teamId: null })
      if (!team || !all) return
      await team.set('k', 'team')
      await all.set('k', 'all')
      const raw = await backend.raw(t)
      assert.equal(await raw.get(`@plugin/${pluginId}/7/k`), '"team"')
      assert.equal(await raw.get(`@plugin/${pluginId}/@all/k`), '"all"')
      assert.equal(await team.get('k', null), 'team')
    })

    test('incr counts from a missing key; incr on text is refused', async (t) => {
      const cache = await backend.store(t)
      if (!cache) return
      assert.equal(await cache.incr('n'), 1)
      assert.equal(await cache.incr('n'), 2)
      assert.equal(await cache.get('n', 0), 2)
      await cache.set('text', 'abc')
      await assert.rejects(cache.incr('text'))
      assert.equal(await cache.get('text', null), 'abc', 'the refused incr left the value alone')
      await cache.lpush('list', 'x')
      await assert.rejects(cache.incr('list'))
      await assert.rejects(cache.get('list', null), 'GET on a list is refused, as Redis does')
    })

    test('ttlSeconds and expire make keys vanish; expire on a missing key is false', async (t) => {
      const cache = await backend.store(t)
      if (!cache) return
      await cache.set('ttl', 'v', 1)
      await cache.set('later', 'v')
      assert.equal(await cache.expire('later', 1), true)
      assert.equal(await cache.expire('missing', 1), false)
      await cache.set('zero', 'v', 0) // 0 is falsy: no EX, as in PostHog
      const [entry] = (await cache.snapshot()).filter((e) => e.key === 'ttl')
      assert.ok(entry.ttlMs !== null && entry.ttlMs > 0 && entry.ttlMs <= 1000)
      await sleep(1150)
      assert.equal(await cache.get('ttl', 'gone'), 'gone')
      assert.equal(await cache.get('later', 'gone'), 'gone')
      assert.equal(await cache.get('zero', 'gone'), 'v')
    })

    test("PostHog's list expectations: lpush/lrange/llen, lpop/lrem", async (t) => {
      const cache = await backend.store(t)
      if (!cache) return
      assert.equal(await cache.lpush('list', 'a string'), 1)
      assert.equal(await cache.lpush('list', ['an', 'array']), 3)
      const range = await cache.lrange('list', 0, 3)
      assert.deepEqual([...range].sort(), ['a string', 'an', 'array'])
      assert.equal(await cache.llen('list'), 3)

      await cache.lpush('list2', ['1', '2', '3'])
      assert.deepEqual(await cache.lpop('list2', 1), ['3'])
      assert.equal(await cache.lrem('list2', 1, '2'), 1)
      assert.deepEqual(await cache.lrange('list2', 0, -1), ['1'])
      assert.equal(await cache.lpop('nothing', 1), null, 'LPOP on a missing key answers null')
      assert.deepEqual(await cache.lrange('nothing', 0, -1), [])
      assert.equal(await cache.llen('nothing'), 0)
      await cache.lpush('mixed', [1, true, null] as unknown as string[])
      assert.deepEqual(await cache.lrange('mixed', 0, -1), ['null', 'true', '1'], 'elements are String(el), not JSON')
    })

    test("argument checks throw PostHog's exact errors", async (t) => {
      const cache = await backend.store(t)
      if (!cache) return
      for (const bad of [5, { a: 1 }, undefined, null]) {
        await assert.rejects(cache.lpush('l', bad), { name: 'Error', message: 'cache.lpush expects a string value or an array of strings' })
      }
      const tooMany = Array.from({ length: 1001 }, (_, i) => String(i))
      await assert.rejects(cache.lpush('l', tooMany), (error: unknown) => {
        assert.ok(error instanceof IllegalOperationError)
        assert.equal(error.name, 'IllegalOperationError')
        assert.equal(error.message, 'Too many elements in array for cache.lpush. Maximum: 1000')
        return true
      })
      assert.equal(await cache.lpush('l', tooMany.slice(0, 1000)), 1000)
      await assert.rejects(cache.lrange('l', '0' as unknown as number, 1), { message: 'cache.lrange expects a number for the start and end indexes' })
      await assert.rejects(cache.lrange('l', 0, undefined as unknown as number), { message: 'cache.lrange expects a number for the start and end indexes' })
      await assert.rejects(cache.lpop('l', '1' as unknown as number), { message: 'cache.lpop expects a number for the "count" argument' })
      await assert.rejects(cache.lrem('l', '1' as unknown as number, 'x'), { message: 'cache.lrem expects a number for the "count" argument' })
      await assert.rejects(cache.lpush('l', []), /wrong number of arguments/)
      assert.equal(await cache.llen('l'), 1000, 'refused calls changed nothing')
    })

    test('applyBatch runs ops in order with one outcome each', async (t) => {
      const cache = await backend.store(t)
      if (!cache) return
      const ops: CacheOp[] = [
        { op: 'set', args: ['a', { v: 1 }] },
        { op: 'incr', args: ['n'] },
        { op: 'incr', args: ['n'] },
        { op: 'lpush', args: ['l', 5] },
        { op: 'lpush', args: ['n', 'x'] }, // wrong type in Redis
        { op: 'get', args: ['a', null] },
        { op: 'get', args: ['missing', 'dflt'] },
        { op: 'expire', args: ['a', 100] },
        { op: 'lpush', args: ['l', ['x', 'y']] },
        { op: 'lrange', args: ['l', 0, -1] },
        { op: 'nope', args: [] } as unknown as CacheOp,
      ]
      const results = await cache.applyBatch(ops)
      assert.equal(results.length, ops.length)
      assert.deepEqual(results[0], { ok: true, value: undefined })
      assert.deepEqual(results[1], { ok: true, value: 1 })
      assert.deepEqual(results[2], { ok: true, value: 2 })
      assert.equal(results[3].ok, false)
      assert.equal(!results[3].ok && results[3].error.message, 'cache.lpush expects a string value or an array of strings')
      assert.equal(results[4].ok, false)
      assert.deepEqual(results[5], { ok: true, value: { v: 1 } })
      assert.deepEqual(results[6], { ok: true, value: 'dflt' })
      assert.deepEqual(results[7], { ok: true, value: true })
      assert.deepEqual(results[8], { ok: true, value: 2 })
      assert.deepEqual(results[9], { ok: true, value: ['y', 'x'] })
      assert.match(!results[10].ok ? results[10].error.message : '', /Unknown cache operation "nope"/)
      assert.deepEqual(await cache.applyBatch([]), [])
    })

    test("snapshot lists the plugin's own keys; flushPlugin deletes only those", async (t) => {
      const pluginId = `snap-${randomUUID()}`
      const cache = await backend.store(t, { pluginId })
      const otherTeam = await backend.store(t, { pluginId, teamId: 3 })
      const sameData = await backend.store(t, { pluginId })
      if (!cache || !otherTeam || !sameData) return
      await cache.set('json', { a: 1 }, 60)
      await cache.set('raw', 'plain', undefined, { jsonSerialize: false })
      await cache.lpush('list', ['1', '2'])
      await otherTeam.set('json', 'theirs')
      const snapshot = await sameData.snapshot()
      assert.deepEqual(
        snapshot.map(({ key, value, type }) => ({ key, value, type })),
        [
          { key: 'json', value: { a: 1 }, type: 'string' },
          { key: 'list', value: ['2', '1'], type: 'list' },
          { key: 'raw', value: 'plain', type: 'string' },
        ],
      )
      assert.ok(snapshot[0].ttlMs !== null && snapshot[0].ttlMs > 59_000)
      assert.equal(snapshot[1].ttlMs, null)
      assert.equal(await cache.flushPlugin(), 3)
      assert.deepEqual(await cache.snapshot(), [])
      assert.equal(await otherTeam.get('json', null), 'theirs')
    })

    test('a glob character in the plugin id does not widen snapshot or flush', async (t) => {
      const base = `glob-${randomUUID()}`
      const star = await backend.store(t, { pluginId: `${base}*` })
      const plain = await backend.store(t, { pluginId: `${base}x` })
      if (!star || !plain) return
      await star.set('k', 1)
      await plain.set('k', 2)
      assert.deepEqual((await star.snapshot()).map((e) => e.value), [1])
      assert.equal(await star.flushPlugin(), 1)
      assert.equal(await plain.get('k', null), 2)
    })

    test('a closed store refuses work', async (t) => {
      const cache = await backend.store(t)
      if (!cache) return
      await cache.close()
      await cache.close()
      await assert.rejects(cache.get('k', 1), /closed/)
    })
  })
}

describe('embedded cache instances', () => {
  test('stores with one embedded name share data; another name sees none of it', async () => {
    const pluginId = `share-${randomUUID()}`
    const first = createCacheStore({ pluginId, teamId: 1, embeddedName: EMBEDDED_NAME })
    const second = createCacheStore({ pluginId, teamId: 1, embeddedName: EMBEDDED_NAME })
    const elsewhere = createCacheStore({ pluginId, teamId: 1, embeddedName: `${EMBEDDED_NAME}-other` })
    await first.set('k', 'shared')
    assert.equal(await second.get('k', null), 'shared')
    assert.equal(await elsewhere.get('k', null), null)
    await Promise.all([first.close(), second.close(), elsewhere.close()])
    const reopened = createCacheStore({ pluginId, teamId: 1, embeddedName: EMBEDDED_NAME })
    assert.equal(await reopened.get('k', null), 'shared', 'data outlives the stores, like a Redis server')
    await clearEmbeddedCache(`${EMBEDDED_NAME}-other`)
    await reopened.close()
  })
})

describe('embedded cache TTLs on the runtime clock', () => {
  /** A clock that moves only when told, as the runtime's virtual clock does. */
  function clocked(options: Partial<CacheStoreOptions> = {}) {
    const clock = { time: Date.UTC(2022, 7, 12) }
    const store = createCacheStore({ pluginId: `clock-${randomUUID()}`, teamId: 2, embeddedName: EMBEDDED_NAME, now: () => clock.time, ...options })
    opened.push(store)
    return { store, advance: (ms: number) => void (clock.time += ms) }
  }

  test('a TTL runs out when the clock is advanced past it, not before, whatever the real time', async () => {
    const { store, advance } = clocked()
    await store.set('k', 'v', 300)
    await sleep(20)
    assert.deepEqual(await store.applyBatch([{ op: 'get', args: ['k', null] }], { pttl: true }), [{ ok: true, value: 'v', pttl: 300_000 }], 'real time does not count')
    advance(299_999)
    assert.equal(await store.get('k', 'gone'), 'v')
    advance(1)
    assert.equal(await store.get('k', 'gone'), 'gone', 'the default, in the default mode')
    assert.deepEqual(await store.applyBatch([{ op: 'get', args: ['k', 'gone'] }], { pttl: true }), [{ ok: true, value: 'gone', pttl: -2 }])
    await store.set('k', 'v', 60)
    await store.set('k', 'again') // a SET without EX drops the TTL
    advance(3_600_000)
    assert.equal(await store.get('k', 'gone'), 'again')
  })

  test("cacheGetMissing 'null': an expired key reads null", async () => {
    const { store, advance } = clocked({ cacheGetMissing: 'null' })
    await store.set('k', 'v', 60)
    advance(60_000)
    assert.equal(await store.get('k', 'default'), null)
  })

  test('every command agrees an expired key is gone; incr starts again at 1', async () => {
    const { store, advance } = clocked()
    await store.set('n', 5, 10)
    await store.lpush('l', ['a', 'b'])
    assert.equal(await store.expire('l', 10), true)
    advance(10_001)
    assert.equal(await store.incr('n'), 1)
    assert.deepEqual(await store.applyBatch([{ op: 'incr', args: ['n'] }], { pttl: true }), [{ ok: true, value: 2, pttl: -1 }], 'the new key has no TTL')
    assert.equal(await store.llen('l'), 0)
    assert.deepEqual(await store.lrange('l', 0, -1), [])
    assert.equal(await store.lpop('l', 1), null)
    assert.equal(await store.expire('l', 10), false)
    assert.equal(await store.lrem('l', 0, 'a'), 0)
  })

  test('expire() then advance; incr keeps the TTL; a list emptied and made again has none', async () => {
    const { store, advance } = clocked()
    await store.set('k', 'v')
    assert.equal(await store.expire('k', 30), true)
    await store.incr('c')
    await store.expire('c', 30)
    advance(20_000)
    assert.equal(await store.incr('c'), 2)
    assert.deepEqual(await store.applyBatch([{ op: 'get', args: ['k', null] }, { op: 'incr', args: ['c'] }], { pttl: true }), [
      { ok: true, value: 'v', pttl: 10_000 },
      { ok: true, value: 3, pttl: 10_000 },
    ])
    advance(10_000)
    assert.equal(await store.get('k', 'gone'), 'gone')
    assert.equal(await store.get('c', 'gone'), 'gone')
    await store.lpush('l', 'x')
    await store.expire('l', 5)
    assert.deepEqual(await store.lpop('l', 1), ['x'])
    await store.lpush('l', 'y')
    advance(60_000)
    assert.deepEqual(await store.lrange('l', 0, -1), ['y'])
    assert.equal(await store.expire('l', 0), true, 'expire 0 deletes the key')
    assert.equal(await store.llen('l'), 0)
  })

  test('snapshot TTLs come from the clock, and expired keys are not listed', async () => {
    const { store, advance } = clocked()
    await store.set('short', 1, 60)
    await store.set('long', 2, 3600)
    await store.set('forever', 3)
    advance(30_000)
    assert.deepEqual((await store.snapshot()).map(({ key, ttlMs }) => [key, ttlMs]), [['forever', null], ['long', 3_570_000], ['short', 30_000]])
    advance(30_000)
    assert.deepEqual((await store.snapshot()).map(({ key, ttlMs }) => [key, ttlMs]), [['forever', null], ['long', 3_540_000]])
    assert.equal(await store.flushPlugin(), 2)
  })

  test('stores of one namespace share deadlines; expiry is not a write for the isolate', async () => {
    const clock = { time: 0 }
    const pluginId = `clock-shared-${randomUUID()}`
    const a = createCacheStore({ pluginId, teamId: 2, embeddedName: EMBEDDED_NAME, now: () => clock.time })
    const b = createCacheStore({ pluginId, teamId: 2, embeddedName: EMBEDDED_NAME, now: () => clock.time })
    opened.push(a, b)
    await a.applyBatch([{ op: 'set', args: ['k', 'v', 5] }])
    const before = b.externalWrites()
    clock.time += 5_000
    assert.deepEqual(await b.applyBatch([{ op: 'get', args: ['k', null] }], { pttl: true }), [{ ok: true, value: null, pttl: -2 }])
    assert.equal(b.externalWrites(), before)
  })
})

describe('real Redis connection', () => {
  test('an unreachable URL fails fast with an error naming it (password hidden)', async () => {
    const { createServer } = await import('node:net')
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const address = probe.address()
        probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0))
      })
    })
    const cache = createCacheStore({ pluginId: 'p', teamId: 1, redisUrl: `redis://:hunter2@127.0.0.1:${port}`, connectTimeoutMs: 1000 })
    const started = performance.now()
    await assert.rejects(cache.get('k', 1), (error: Error) => {
      assert.match(error.message, new RegExp(`^Cannot reach Redis at redis://:\\*\\*\\*@127\\.0\\.0\\.1:${port}`))
      assert.doesNotMatch(error.message, /hunter2/)
      return true
    })
    await assert.rejects(cache.applyBatch([{ op: 'get', args: ['k', 1] }]), /Cannot reach Redis/)
    assert.ok(performance.now() - started < 3000)
    await cache.close()
  })

  test('stores of one URL share one connection, closed with the last store', async (t) => {
    if (!requireSystemPart(t, 'redis-server')) return
    const raw = await real.raw(t)
    const url = `${(await (server ??= startRedisServer())).url}/1` // a URL no other test uses
    const clients = async () => String(await raw.client('LIST')).trim().split('\n').length
    const baseline = await clients()
    const first = createCacheStore({ pluginId: 'share', teamId: 1, redisUrl: url })
    const second = createCacheStore({ pluginId: 'share', teamId: 1, redisUrl: url })
    await first.set('k', 1)
    assert.equal(await second.get('k', null), 1)
    assert.equal(await clients(), baseline + 1, 'one connection for both stores')
    await first.close()
    assert.equal(await second.get('k', null), 1)
    await second.close()
    await sleep(50)
    assert.equal(await clients(), baseline)
  })
})
