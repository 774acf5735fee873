// The studio's clock and state inspector calls over a real runtime: an exporter whose batch flushes
// on the virtual clock, a scheduled plugin's runEveryMinute on the minute and on demand, the cache
// and storage a plugin keeps, and the refusals.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import path from 'node:path'
import os from 'node:os'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import type { PluginEvent } from '../../common/plugin/event.ts'
import { Runner } from './runner/runner.ts'
import { SecretsService } from './secrets/secrets-service.ts'
import { SessionSecretStore } from './secrets/session-store.ts'
import { StudioService } from './studio-service.ts'
import { Workspace } from './workspace/workspace.ts'

const EVENT: PluginEvent = {
  uuid: '0190a000-0000-7000-8000-000000000001',
  event: 'pageview',
  distinct_id: 'u1',
  ip: null,
  site_url: 'http://localhost',
  team_id: 1,
  now: '2024-05-01T10:00:00.000Z',
  timestamp: '2024-05-01T10:00:00.000Z',
  properties: {},
}

const KEEPER = `
export async function processEvent(event, { cache, storage }) {
  await cache.set('last', event.event, 300)
  await cache.incr('count')
  await storage.set('seen', { event: event.event })
  return event
}
export async function runEveryMinute({ cache }) {
  console.log('tick ' + (await cache.incr('ticks')))
}
`

async function setup(t: { after(fn: () => Promise<void>): void }) {
  const root = await mkdtemp(path.join(os.tmpdir(), 'studio-clock-'))
  const dir = path.join(root, 'workspace')
  await mkdir(path.join(dir, 'keeper'), { recursive: true })
  await writeFile(path.join(dir, 'keeper', 'plugin.json'), JSON.stringify({ name: 'Keeper', main: 'index.js', config: [] }))
  await writeFile(path.join(dir, 'keeper', 'index.js'), KEEPER)
  const studio = new StudioService({ workspace: await Workspace.open(dir), sampleEventsDir: null, secrets: new SecretsService(new SessionSecretStore()), startRunner: (onCrash) => Runner.start({ onCrash }) })
  t.after(async () => {
    await studio.dispose()
    await rm(root, { recursive: true, force: true })
  })
  return { studio }
}

test('exporter: the batch waits in the buffer until the clock reaches the flush, then is delivered', async (t) => {
  const { studio } = await setup(t)
  assert.deepEqual(await studio.pipelineState(), { plugins: [], stale: false, time: null, stores: [] })
  await assert.rejects(studio.advanceClock(60_000), /No plugins are loaded/)
  await studio.createPlugin({ name: 'Send', template: 'exporter', language: 'ts' })
  const run = await studio.runEvents({ plugins: ['send'], events: [EVENT] })
  assert.equal(run.results[0].logs.some((l) => l.message.includes('would send')), false, 'nothing exported yet')

  const before = await studio.pipelineState()
  assert.equal(before.plugins[0].plugin, 'send')
  assert.ok(before.plugins[0].capabilities.methods.includes('exportEvents'))
  const buffer = before.time!.plugins[0].exportBuffer!
  assert.equal(buffer.events, 1)
  assert.equal(buffer.flushAt, new Date(Date.parse(before.time!.now) + 60_000).toISOString())
  assert.deepEqual(before.time!.plugins[0].exportMetrics, { delivered: 0, retried: 0, failed: 0 })

  const outcome = await studio.advanceClock(60_000)
  assert.equal(outcome.reloaded, false)
  assert.ok(outcome.report.logs.some((l) => l.message.includes('No webhook URL set; would send 1 event(s)')), JSON.stringify(outcome.report.logs))
  assert.equal(outcome.report.now, new Date(Date.parse(before.time!.now) + 60_000).toISOString())
  assert.equal(outcome.state.time!.now, outcome.report.now)
  assert.deepEqual(outcome.state.time!.plugins[0].exportMetrics, { delivered: 1, retried: 0, failed: 0 })
  assert.equal(outcome.state.time!.plugins[0].exportBuffer!.events, 0)

  const idle = await studio.runUntilIdle()
  assert.equal(idle.report.truncated, false)
  await assert.rejects(studio.advanceClock(-1), /0 ms up to a year/)
  await assert.rejects(studio.fireScheduled('send', 'runEveryMinute'), /does not export runEveryMinute/)
})

test('scheduled tasks on the minute and on demand; cache and storage with TTLs in the state', async (t) => {
  const { studio } = await setup(t)
  // Not loaded yet: the clock call loads the pipeline it is given first.
  const first = await studio.advanceClock(60_000, ['keeper'])
  assert.equal(first.reloaded, true)
  assert.deepEqual(first.setup.map((s) => s.capabilities.scheduled_tasks), [['runEveryMinute']])
  assert.ok(first.report.logs.some((l) => l.message === 'tick 1'), JSON.stringify(first.report.logs))
  assert.ok(first.report.fired.length > 0)
  assert.equal(first.state.time!.plugins[0].scheduled[0].task, 'runEveryMinute')
  assert.equal(first.state.time!.plugins[0].scheduled[0].at, new Date(Date.parse(first.report.now) + 60_000).toISOString())

  const now = await studio.fireScheduled('keeper', 'runEveryMinute', ['keeper'])
  assert.equal(now.reloaded, false)
  assert.ok(now.report.logs.some((l) => l.message === 'tick 2'), JSON.stringify(now.report.logs))
  assert.equal(now.report.now, first.report.now, 'running a task now does not move the clock')

  await studio.runEvents({ plugins: ['keeper'], events: [EVENT] })
  const state = await studio.pipelineState()
  const stores = state.stores.find((s) => s.plugin === 'keeper')!
  const byKey = Object.fromEntries(stores.cache.map((e) => [e.key, e]))
  assert.equal(byKey.last.value, 'pageview')
  // The embedded cache's TTLs run on the runtime clock: nothing passes between the set and the read.
  assert.equal(byKey.last.ttlMs, 300_000)
  assert.equal(byKey.count.value, 1)
  assert.equal(byKey.count.ttlMs, null)
  assert.equal(byKey.ticks.value, 2)
  assert.deepEqual(stores.storage, [{ key: 'seen', value: { event: 'pageview' } }])
  assert.equal(state.stale, false)

  // Advancing the clock runs the TTL down, and past it the key is gone.
  const later = await studio.advanceClock(60_000)
  assert.equal(later.state.stores[0].cache.find((e) => e.key === 'last')?.ttlMs, 240_000)
  const gone = await studio.advanceClock(240_000)
  assert.equal(gone.state.stores[0].cache.find((e) => e.key === 'last'), undefined)
  assert.ok(gone.state.stores[0].cache.some((e) => e.key === 'count'), 'keys without a TTL stay')
})
