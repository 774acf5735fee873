// meta.cache TTLs through the real runtime process: the embedded cache expires keys on the runtime's
// virtual clock, so advancing it past a TTL makes the key vanish (and waiting does not).
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { Runner } from './runner.ts'
import { loadFixtures, makeEvent, spec } from './test-fixtures.ts'
import { T0 } from './time-helpers.ts'

let runner: Runner
before(async () => {
  runner = await Runner.start()
})
after(async () => {
  await runner?.close()
})

async function seen(event: string): Promise<Record<string, unknown>> {
  const [r] = await runner.processEvents([makeEvent({ event })])
  assert.equal(r.error, null, r.logs.map((l) => l.message).join('\n'))
  return r.output!.properties as Record<string, unknown>
}

test('a key set with a 60 s TTL is gone once the runtime clock is advanced past it', async () => {
  await loadFixtures(runner, [spec('cache-ttl', { pluginId: `cache-ttl-${process.pid}` })], { clockStart: T0 })
  const first = await seen('set')
  assert.deepEqual([first.token, first.count], ['abc', 1])
  const [entry] = (await runner.inspect()).plugins[0].cache.filter((e) => e.key === 'token')
  assert.equal(entry.ttlMs, 60_000, 'the TTL left is on the virtual clock')
  await runner.advance(59_000)
  const later = await seen('read')
  assert.equal(later.token, 'abc')
  assert.equal(later.count, 1)
  await runner.advance(2_000) // 61 s after the set
  const expired = await seen('read')
  assert.equal(expired.token, null)
  assert.equal(expired.count, null)
  assert.deepEqual((await runner.inspect()).plugins[0].cache, [])
  assert.equal((await seen('set')).count, 1, 'incr on the expired key starts again at 1')
})
