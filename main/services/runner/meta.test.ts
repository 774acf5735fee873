// meta through the real runtime process: cache (write-through to the host store), storage (persisted
// in the workspace), utils.cursor, attachments as Buffers, jobs and posthog.capture recorded.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Runner } from './runner.ts'
import { loadFixtures, makeEvent, spec } from './test-fixtures.ts'

let runner: Runner
let storageDir: string
before(async () => {
  runner = await Runner.start()
  storageDir = await mkdtemp(join(tmpdir(), 'studio-meta-'))
})
after(async () => {
  await runner?.close()
  await rm(storageDir, { recursive: true, force: true })
})

const attachment = { content_type: 'application/json', file_name: 'lookup.json', contentsBase64: Buffer.from('{"pro":"Pro plan"}').toString('base64') }

test('cache, storage, cursor, attachments, jobs and posthog.capture behave as PostHog’s meta', async () => {
  const plugin = spec('meta-stores', { id: `meta-${process.pid}`, attachments: { lookup: attachment } })
  await loadFixtures(runner, [plugin], { storageDir })
  const [r] = await runner.processEvents([makeEvent()])
  assert.equal(r.error, null, r.logs.map((l) => l.message).join('\n'))
  const m = r.output!.properties!.meta as Record<string, unknown>
  assert.equal(m.cacheMissing, 'the default')
  assert.deepEqual(m.cacheObj, { a: 1 })
  assert.deepEqual(m.incr, [1, 2])
  assert.equal(m.expire, true)
  assert.deepEqual(m.lpop, ['3'])
  assert.equal(m.llen, 2)
  assert.equal(m.storageBefore, 0)
  assert.equal(m.storageAfter, 1)
  assert.equal(m.storageDeleted, 'deleted')
  assert.equal(m.cursor, 15)
  assert.equal(m.attachmentIsBuffer, true)
  assert.deepEqual(m.attachment, { pro: 'Pro plan' })
  assert.equal(m.attachmentName, 'lookup.json')
  assert.equal(m.badUnit, 'Unknown time unit: fortnights')
  const stage = r.stages.find((s) => s.method === 'processEvent')!
  assert.deepEqual(stage.jobs?.map((j) => (j as { type: string; delayMs: number }).type), ['sendLater'])
  assert.ok(Math.abs((stage.jobs![0] as { delayMs: number }).delayMs - 120_000) < 1000)
  assert.deepEqual(stage.captures?.map((c) => (c as { event: string }).event), ['derived event'])
  assert.ok(stage.ops.some((o) => o.kind === 'cache' && o.op === 'set' && o.key === 'obj'))
  assert.ok(stage.ops.some((o) => o.kind === 'storage' && o.op === 'set' && o.key === 'runs'))
  assert.ok((await readdir(storageDir)).length > 0, 'storage is written to the workspace folder')

  // The second call sees what the first wrote: the in-isolate cache layer reached the host store.
  const [again] = await runner.processEvents([makeEvent()])
  const m2 = again.output!.properties!.meta as Record<string, unknown>
  assert.deepEqual(m2.incr, [3, 4])
  assert.equal(m2.storageBefore, 1)
})

test('storage persists across a reload of the runtime process', async () => {
  const plugin = spec('meta-stores', { id: `persist-${process.pid}`, configId: 77, attachments: {} })
  await loadFixtures(runner, [plugin], { storageDir })
  await runner.processEvents([makeEvent()])
  await runner.close()
  runner = await Runner.start()
  await loadFixtures(runner, [plugin], { storageDir })
  const [r] = await runner.processEvents([makeEvent()])
  assert.equal((r.output!.properties!.meta as Record<string, unknown>).storageBefore, 1)
})

test('cache writes of many events in one call all reach the store (write-through per batch)', async () => {
  const id = `counter-${process.pid}`
  await loadFixtures(runner, [spec('esm-enrich', { id })])
  const events = Array.from({ length: 250 }, () => makeEvent())
  const results = await runner.processEvents(events)
  assert.deepEqual(results.map((r) => r.output?.properties?.seen), events.map((_, i) => i + 1))
  const [next] = await runner.processEvents([makeEvent()])
  assert.equal(next.output?.properties?.seen, 251)
})
