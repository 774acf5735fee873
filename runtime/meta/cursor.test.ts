import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, test } from 'node:test'
import { createCursor } from './cursor.ts'
import { createStorageStore } from './storage-store.ts'

const dir = mkdtempSync(join(tmpdir(), 'cursor-test-'))
after(() => rmSync(dir, { recursive: true, force: true }))

test('init inserts only when absent; increment adds and returns the number', async () => {
  const storage = createStorageStore({ pluginConfigId: 'c1' })
  const cursor = createCursor(storage)
  await cursor.init('pos')
  assert.equal(await storage.get('pos', null), 0)
  await cursor.init('pos', 50) // ON CONFLICT DO NOTHING
  assert.equal(await cursor.increment('pos'), 1)
  assert.equal(await cursor.increment('pos', 10), 11)
  assert.equal(await cursor.increment('pos', -2.5), 8.5)
  await cursor.init('start', 100)
  assert.equal(await cursor.increment('start', 5), 105)
})

test('increment on a missing key starts from the increment', async () => {
  const cursor = createCursor(createStorageStore({ pluginConfigId: 'c2' }))
  assert.equal(await cursor.increment('fresh', 7), 7)
  assert.equal(await cursor.increment('fresh'), 8)
})

test("a non-number initial value throws PostHog's error", async () => {
  const cursor = createCursor(createStorageStore({ pluginConfigId: 'c3' }))
  for (const bad of ['5', null, {}, true]) {
    await assert.rejects(cursor.init('k', bad as unknown as number), { name: 'Error', message: "The cursor's initial value must be a number!" })
  }
  await assert.rejects(cursor.increment('k', '1' as unknown as number), /increment must be a finite number/)
})

test('a cursor over a non-numeric storage value is refused, the value kept', async () => {
  const storage = createStorageStore({ pluginConfigId: 'c4' })
  await storage.set('text', 'abc')
  await assert.rejects(createCursor(storage).increment('text'), /holds "abc", which is not a number/)
  assert.equal(await storage.get('text', null), 'abc')
  await storage.set('numeric text', '41') // Postgres would cast '41'::numeric
  assert.equal(await createCursor(storage).increment('numeric text'), 42)
})

test('concurrent increments from two cursors lose no step, and persist', async () => {
  const storage = createStorageStore({ dir, pluginConfigId: 'c5' })
  const [a, b] = [createCursor(storage), createCursor(storage)]
  await a.init('n')
  const results = await Promise.all(Array.from({ length: 100 }, (_, i) => (i % 2 ? a : b).increment('n')))
  assert.deepEqual([...results].sort((x, y) => x - y), Array.from({ length: 100 }, (_, i) => i + 1))
  assert.equal(JSON.parse(readFileSync(storage.file as string, 'utf8')).entries.n, '100')
})
