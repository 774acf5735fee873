// Time travel through the studio service and the real runtime process: every step keeps the state
// after it (cache, storage, global, clock, export buffer), earlier steps come back unchanged by
// later ones, and Reset forgets them.
import { after, before, test } from 'node:test'
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

const CODE = `export function setupPlugin({ global }) { global.count = 0 }
export async function processEvent(event, { cache, storage, global }) {
  global.count += 1
  await cache.set('last', event.event, 600)
  await storage.set('count', global.count)
  return event
}
export async function exportEvents(events) {}
`

const event = (name: string, n: number): PluginEvent => ({ uuid: `0190d000-0000-7000-8000-${String(n).padStart(12, '0')}`, event: name, distinct_id: 'u', ip: null, site_url: '', team_id: 1, now: '', properties: {} })

let root: string
let studio: StudioService
before(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'time-travel-'))
  const dir = path.join(root, 'workspace')
  await mkdir(path.join(dir, 'keeper'), { recursive: true })
  await writeFile(path.join(dir, 'keeper', 'plugin.json'), JSON.stringify({ name: 'Keeper', main: 'index.js' }))
  await writeFile(path.join(dir, 'keeper', 'index.js'), CODE)
  studio = new StudioService({ workspace: await Workspace.open(dir), sampleEventsDir: null, secrets: new SecretsService(new SessionSecretStore()), startRunner: (onCrash) => Runner.start({ onCrash }) })
})
after(async () => {
  await studio?.dispose()
  await rm(root, { recursive: true, force: true })
})

test('each step’s state comes back as it was after that step; Reset forgets them', async () => {
  const plugins = ['keeper']
  const one = await studio.runEvents({ plugins, events: [event('first', 1)] })
  const clock = await studio.advanceClock(120_000, plugins)
  const two = await studio.runEvents({ plugins, events: [event('second', 2)] })
  assert.ok(one.snapshot && clock.snapshot && two.snapshot)

  const before = (await studio.stepState(one.snapshot)).state
  const [stores] = before.stores
  assert.deepEqual(stores.global, { count: 1, exportEventsToIgnore: { '[Set(0)]': [] } })
  assert.deepEqual(stores.storage, [{ key: 'count', value: 1 }])
  assert.deepEqual(stores.cache.map((e) => [e.key, e.value, e.ttlMs]), [['last', 'first', 600_000]])
  assert.equal(before.time!.now, '2022-08-12T00:00:00.000Z')
  assert.equal(before.time!.plugins[0].exportBuffer!.events, 1)

  const afterClock = (await studio.stepState(clock.snapshot)).state
  assert.equal(afterClock.time!.now, '2022-08-12T00:02:00.000Z')
  assert.equal(afterClock.time!.plugins[0].exportBuffer!.events, 0, 'the buffer flushed on the clock')
  assert.equal(afterClock.stores[0].cache[0].ttlMs, 480_000, 'the TTL ran down on the virtual clock')

  const latest = (await studio.stepState(two.snapshot)).state
  assert.equal((latest.stores[0].global as { count: number }).count, 2)
  assert.deepEqual(latest.stores[0].storage, [{ key: 'count', value: 2 }])

  await studio.resetPipeline({ plugins })
  await assert.rejects(studio.stepState(one.snapshot), /no longer kept/)
})
