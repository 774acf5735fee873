// What plugins do beyond the event, through the real runtime process: posthog.capture (collected,
// fed back on request, stopped by the loop guard), posthog.api (answered by the stub), fetch (the
// loopback rule, records with timing and virtual time), and two defects found in the studio.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { writeTemplate } from '../templates/templates.ts'
import { Runner } from './runner.ts'
import { loadFixtures, makeEvent, spec } from './test-fixtures.ts'
import { at, startStatusServer, T0 } from './time-helpers.ts'
import type { LocalServer } from './time-helpers.ts'

let runner: Runner
let server: LocalServer
before(async () => {
  runner = await Runner.start()
  server = await startStatusServer('operational')
})
after(async () => {
  await runner?.close()
  await server?.close()
})

test("posthog.capture: collected in PostHog's shape; not fed back unless asked", async () => {
  await loadFixtures(runner, ['capture-loop'], { clockStart: T0 })
  const [r] = await runner.processEvents([makeEvent()])
  const stage = r.stages.find((s) => s.method === 'processEvent')!
  const [captured] = stage.captures as { event: string; distinct_id: string; timestamp: string; team_id: number; uuid: string; properties: Record<string, unknown> }[]
  assert.equal(captured.event, 'echo')
  assert.equal(captured.distinct_id, 'looper')
  assert.equal(captured.timestamp, at(0))
  assert.equal(captured.team_id, 2)
  assert.match(captured.uuid, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
  assert.deepEqual(captured.properties, { $lib: 'posthog-plugin-server', $lib_version: '1.0.0', distinct_id: 'looper', n: 1 })
  let records = await runner.records()
  assert.deepEqual(records.captured.map((c) => [c.depth, c.fed]), [[1, 'pending']])
  await runner.feedCaptured()
  records = await runner.records()
  assert.deepEqual(records.captured.slice(0, 2).map((c) => [c.depth, c.fed, c.event.properties?.n]), [[1, 'fed', 1], [2, 'fed', 2]])
})

test('posthog.capture fed back: the loop guard stops an endless capture chain with an error naming the plugin', async () => {
  await loadFixtures(runner, ['capture-loop'], { feedCaptured: true, captureLoopLimit: 5 })
  const [r] = await runner.processEvents([makeEvent()])
  assert.equal(r.error, null)
  const records = await runner.records()
  assert.deepEqual(records.captured.map((c) => c.fed), ['fed', 'fed', 'fed', 'fed', 'fed', 'stopped'])
  assert.deepEqual(records.captured.map((c) => c.event.properties?.n), [1, 2, 3, 4, 5, 6])
  assert.equal(records.captured[0].result?.output?.event, 'echo')
  const stopped = records.captured[5]
  assert.match(stopped.error ?? '', /^posthog\.capture loop stopped: plugin "Capture loop" captured "echo" 6 generations deep .*captureLoopLimit \(now 5\)/)
})

test('posthog.api: answered by the configured stub and recorded; an unmatched call gets a 404 naming the path and the setting', async () => {
  await loadFixtures(runner, ['api-caller'], { posthogApi: [{ method: 'GET', path: 'api/projects/@current', status: 200, body: { name: 'Studio project' } }] })
  const [r] = await runner.processEvents([makeEvent()])
  const p = r.output!.properties!
  assert.equal(p.projectStatus, 200)
  assert.equal(p.projectName, 'Studio project')
  assert.equal(p.missingStatus, 404)
  assert.match(String(p.missingDetail), /no posthog\.api answer for POST \/api\/projects\/@current\/annotations\. Add \{"method": "POST", "path": "\/api\/projects\/@current\/annotations".*posthogApi/)
  const records = await runner.records()
  assert.deepEqual(records.apiCalls.map((c) => [c.method, c.path, c.status, c.stubbed]), [
    ['GET', '/api/projects/@current', 200, true],
    ['POST', 'api/projects/@current/annotations', 404, false],
  ])
  assert.deepEqual(records.apiCalls[1].data, { content: 'x' })
})

test('fetch to 127.0.0.1 is refused by default, naming allowHosts', async () => {
  await loadFixtures(runner, [spec('fetcher', { config: { url: server.url } })])
  const [r] = await runner.processEvents([makeEvent()])
  assert.match(String(r.output?.properties?.fetchError), /127\.0\.0\.1 is this machine \(loopback\).*allowHosts/)
  const stage = r.stages.find((s) => s.method === 'processEvent')!
  assert.equal(stage.fetches?.[0].source, 'refused')
})

test('fetch with 127.0.0.1 in allowHosts: performed by the host, recorded with timing and virtual time on its event', async () => {
  await loadFixtures(runner, [spec('fetcher', { config: { url: server.url } })], { clockStart: T0, fetchPolicy: { mode: 'allow', allowHosts: ['*', '127.0.0.1'] } })
  const results = await runner.processEvents([makeEvent(), makeEvent()])
  for (const r of results) {
    assert.equal(r.output?.properties?.fetched, 200)
    assert.equal(r.output?.properties?.body, '{"status":"operational"}')
    const [record] = r.stages.find((s) => s.method === 'processEvent')!.fetches!
    assert.equal(record.url, server.url)
    assert.equal(record.status, 200)
    assert.equal(record.time, at(0))
    assert.ok(record.durationMs > 0)
  }
  assert.equal((await runner.records()).fetches.length, 2)
})

test("fixtures mode: a run answers offline from the responses an 'allow' run recorded", async () => {
  await loadFixtures(runner, [spec('fetcher', { config: { url: server.url } })], { fetchPolicy: { mode: 'allow', allowHosts: ['127.0.0.1'] } })
  await runner.processEvents([makeEvent()])
  await runner.unload()
  const { fetchFixtures } = await runner.records()
  assert.equal(fetchFixtures.length, 1)
  const served = server.requests.length
  await loadFixtures(runner, [spec('fetcher', { config: { url: server.url } })], { fetchPolicy: { mode: 'fixtures', allowHosts: ['127.0.0.1'] }, fetchFixtures })
  const [r] = await runner.processEvents([makeEvent()])
  assert.equal(r.output?.properties?.body, '{"status":"operational"}')
  assert.equal(r.stages.find((s) => s.method === 'processEvent')?.fetches?.[0].source, 'fixture')
  assert.equal(server.requests.length, served, 'nothing reached the server')
})

test('a stored empty string reads back as null (PostHog), not as the default', async () => {
  await loadFixtures(runner, ['cache-empty'])
  await runner.processEvents([makeEvent({ event: 'write' })])
  const [r] = await runner.processEvents([makeEvent({ event: 'read' })])
  assert.equal(r.output?.properties?.raw, null)
  assert.equal(r.output?.properties?.missing, 'the default')
})

test('the JavaScript scheduled-task template passes events on, also after a reload and once its task has run', async () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'scheduled-template-')), 'status')
  await writeTemplate(dir, { template: 'scheduled', language: 'js', name: 'Status poller' })
  const load = () => runner.load({ plugins: [{ id: 'status', dir, config: { statusUrl: server.url }, attachments: {} }], options: { timeoutMs: 2000, memoryMb: 64, teamId: 2, fetchPolicy: { mode: 'allow', allowHosts: ['*', '127.0.0.1'] } } })
  for (let round = 0; round < 2; round++) {
    await load()
    const [before] = await runner.processEvents([makeEvent()])
    assert.notEqual(before.output, null, `round ${round}: not dropped`)
    assert.equal(before.droppedBy, null)
    await runner.advance(60_000)
    const [afterTask] = await runner.processEvents([makeEvent()])
    assert.equal(afterTask.output?.properties?.service_status, 'operational')
  }
})
