// The isolate keeps what it read from meta.cache across batches (one host trip per batch instead of
// one per miss). These tests hold it to the store: another config of the same plugin writing, and a
// TTL running out between batches, must show in the next batch as they would with no local copy.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { PluginSpec } from '../../../common/protocol/runtime.ts'
import { Runner } from './runner.ts'
import { loadFixtures, makeEvent } from './test-fixtures.ts'

const PLUGIN = `
export async function processEvent(event, { config, cache }) {
  const p = event.properties
  if (config.role === 'writer') {
    if (p.write !== undefined) await cache.set('k', p.write, p.ttl)
    if (p.bump) await cache.incr('n')
    return event
  }
  p[config.role + '_k'] = await cache.get('k', null)
  p[config.role + '_n'] = await cache.get('n', null)
  return event
}
`

let runner: Runner
let dir: string
before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cache-across-batches-'))
  writeFileSync(join(dir, 'plugin.json'), JSON.stringify({ name: 'Cache across batches', config: [{ key: 'role', name: 'Role', type: 'string' }] }))
  writeFileSync(join(dir, 'index.js'), PLUGIN)
  runner = await Runner.start()
})
after(async () => {
  await runner?.close()
  rmSync(dir, { recursive: true, force: true })
})

const config = (id: string, role: string, pluginId = 'shared'): PluginSpec => ({ id, dir, config: { role }, attachments: {}, pluginId })

async function one(properties: Record<string, unknown>): Promise<Record<string, unknown>> {
  const [r] = await runner.processEvents([makeEvent({ properties })])
  assert.equal(r.error, null, r.logs.map((l) => l.message).join('\n'))
  return r.output!.properties as Record<string, unknown>
}

test("another config of the same plugin writing between batches shows in the next batch", async () => {
  const load = await loadFixtures(runner, [config('reader', 'reader'), config('writer', 'writer')])
  assert.deepEqual(load.setup.map((s) => s.error), [null, null])
  // reader runs first: it reads (and keeps) what is there, then the writer changes it.
  assert.equal((await one({ write: 'one' })).reader_k, null)
  assert.equal((await one({})).reader_k, 'one')
  assert.equal((await one({ write: 'two', bump: true })).reader_k, 'one')
  const after = await one({})
  assert.equal(after.reader_k, 'two')
  assert.equal(after.reader_n, 1)
  await one({ bump: true })
  assert.equal((await one({})).reader_n, 2)
})

test('a config of another plugin id is another namespace', async () => {
  await loadFixtures(runner, [config('reader', 'reader', 'ns-a'), config('writer', 'writer', 'ns-b')])
  await one({ write: 'elsewhere' })
  assert.equal((await one({})).reader_k, null)
})

test('a key whose TTL ran out between batches is read again, not served from the copy', async () => {
  await loadFixtures(runner, [config('writer', 'writer', 'ttl'), config('reader', 'reader', 'ttl')])
  await one({ write: 'short', ttl: 1 })
  assert.equal((await one({})).reader_k, 'short')
  await runner.advance(1200) // TTLs run on the runtime clock
  assert.equal((await one({})).reader_k, null)
})
