// The runtime's clock through the real runtime process: the exportEvents buffer and its retries,
// scheduled tasks, jobs, setupPlugin and onEvent back-off — all asserted on virtual time, no sleeps.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
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

const clock = { clockStart: T0 }
const messages = (logs: { message: string }[]) => logs.map((l) => l.message.replace(/batch \d+/, 'batch N'))

test('exportEvents: a buffer over its byte limit flushes while the event is handled', async () => {
  await loadFixtures(runner, [spec('exporter', { config: { exportEventsBufferBytes: '1' } })], clock)
  const results = await runner.processEvents([makeEvent({ event: 'a' }), makeEvent({ event: 'b' })])
  assert.deepEqual(results.map((r) => r.logs.filter((l) => l.source === 'CONSOLE').map((l) => l.message)), [['exported 1 a'], ['exported 1 b']])
  assert.deepEqual(results.map((r) => r.stages.map((s) => `${s.method}:${s.logs.map((l) => l.message).join()}`)), [['exportEvents:exported 1 a'], ['exportEvents:exported 1 b']])
  const records = await runner.records()
  assert.deepEqual(records.exported.map((e) => [e.size, e.outcome, e.time]), [[1, 'delivered', at(0)], [1, 'delivered', at(0)]])
  assert.deepEqual(records.exportMetrics.exporter, { delivered: 2, retried: 0, failed: 0 })
})

test('exportEvents: the buffer flushes after exportEventsBufferSeconds on the clock, and at teardown', async () => {
  await loadFixtures(runner, [spec('exporter', { config: { exportEventsBufferSeconds: '10', exportEventsToIgnore: '$ignored' } })], clock)
  await runner.processEvents([makeEvent({ event: 'a' }), makeEvent({ event: '$ignored' }), makeEvent({ event: 'b' })])
  let state = await runner.state()
  assert.equal(state.plugins[0].exportBuffer?.events, 2)
  assert.equal(state.plugins[0].exportBuffer?.flushAt, at(10_000))
  assert.deepEqual(state.plugins[0].exportBuffer?.contents.map((e) => e.event), ['a', 'b'])
  const early = await runner.advance(9_999)
  assert.deepEqual(early.fired, [])
  const due = await runner.advance(1)
  assert.deepEqual(due.fired, [{ label: 'exportEvents buffer flush', time: at(10_000) }])
  assert.ok(due.logs.some((l) => l.message === 'exported 2 a,b'))
  state = await runner.state()
  assert.equal(state.plugins[0].exportBuffer?.events, 0)
  await runner.processEvents([makeEvent({ event: 'c' })])
  const teardown = await runner.unload()
  assert.ok(teardown.teardown[0].logs.some((l) => l.message === 'exported 1 c'), 'teardown flushes what is left')
  const records = await runner.records()
  assert.deepEqual(records.exported.map((e) => [e.size, e.time]), [[2, at(10_000)], [1, at(10_000)]])
})

test("exportEvents: RetryError retried as jobs at 6, 12 and 24 s, then the batch is dropped, with PostHog's lines and metrics", async () => {
  await loadFixtures(runner, [spec('exporter', { config: { exportEventsBufferSeconds: '10', failures: '4' } })], clock)
  await runner.processEvents([makeEvent({ event: 'a' })])
  const run = await runner.runUntilIdle()
  assert.deepEqual(run.fired.map((f) => [f.label, f.time]), [
    ['exportEvents buffer flush', at(10_000)],
    ['job exportEventsWithRetry', at(16_000)],
    ['job exportEventsWithRetry', at(28_000)],
    ['job exportEventsWithRetry', at(52_000)],
  ])
  assert.deepEqual(messages(run.logs.filter((l) => l.source === 'SYSTEM')), [
    'Enqueued PluginConfig 1 batch N for retry #1 in 6s',
    'Enqueued PluginConfig 1 batch N for retry #2 in 12s',
    'Enqueued PluginConfig 1 batch N for retry #3 in 24s',
    'Dropped PluginConfig 1 batch N after retrying 3 times',
  ])
  const records = await runner.records()
  assert.deepEqual(records.exported.map((e) => [e.attempt, e.outcome]), [[1, 'retry'], [2, 'retry'], [3, 'retry'], [4, 'dropped']])
  assert.deepEqual(records.exportMetrics.exporter, { delivered: 0, retried: 3, failed: 1 })
  assert.deepEqual(records.jobs.map((j) => [j.name, j.runAt, j.status]), [
    ['exportEventsWithRetry', at(16_000), 'ok'],
    ['exportEventsWithRetry', at(28_000), 'ok'],
    ['exportEventsWithRetry', at(52_000), 'ok'],
  ])
})

test('exportEvents: a retry that succeeds delivers the batch', async () => {
  await loadFixtures(runner, [spec('exporter', { config: { exportEventsBufferSeconds: '10', failures: '1' } })], clock)
  await runner.processEvents([makeEvent({ event: 'a' }), makeEvent({ event: 'b' })])
  const run = await runner.runUntilIdle()
  assert.ok(run.logs.some((l) => l.message === 'exported 2 a,b' && l.time === T0 + 16_000))
  assert.deepEqual((await runner.records()).exportMetrics.exporter, { delivered: 2, retried: 2, failed: 0 })
})

test('runEveryMinute fires at minute boundaries as time advances; runEveryHour on the hour; fireScheduled runs one now', async () => {
  const load = await loadFixtures(runner, [spec('scheduled-poller', { config: { url: server.url } })], { clockStart: T0 + 30_000, fetchPolicy: { mode: 'allow', allowHosts: ['*', '127.0.0.1'] } })
  assert.equal(load.setup[0].setup, 'ready')
  let state = await runner.state()
  assert.deepEqual(state.plugins[0].scheduled.map((s) => [s.task, s.at]), [['runEveryMinute', at(60_000)], ['runEveryHour', at(3_600_000)]])
  const [before] = await runner.processEvents([makeEvent()])
  assert.equal(before.output?.properties?.status, 'unknown')
  const first = await runner.advance(30_000)
  assert.deepEqual(first.fired, [{ label: 'runEveryMinute', time: at(60_000) }])
  assert.ok(first.logs.some((l) => l.message === 'polled operational'))
  const [after] = await runner.processEvents([makeEvent()])
  assert.equal(after.output?.properties?.status, 'operational', 'the task wrote the cache the event reads')
  await runner.advance(60 * 60_000)
  const records = await runner.records()
  const minutes = records.scheduled.filter((s) => s.task === 'runEveryMinute')
  assert.equal(minutes.length, 61, '00:01 … 01:01')
  assert.deepEqual(minutes.slice(0, 3).map((s) => [s.due, s.status]), [[at(60_000), 'ok'], [at(120_000), 'ok'], [at(180_000), 'ok']])
  assert.deepEqual(records.scheduled.filter((s) => s.task === 'runEveryHour').map((s) => s.due), [at(3_600_000)])
  assert.equal(records.fetches.length, 61)
  assert.equal(records.fetches[0].time, at(60_000))
  state = await runner.state()
  assert.deepEqual(state.plugins[0].scheduled[0], { task: 'runEveryMinute', at: at(3_720_000), cron: '* * * * *' })
  const manual = await runner.fireScheduled('scheduled-poller', 'runEveryHour')
  assert.ok(manual.logs.some((l) => l.message === 'hourly 2'))
  await assert.rejects(runner.fireScheduled('scheduled-poller', 'runEveryDay'), /does not export runEveryDay/)
})

test('jobs: runNow, runIn and runAt run on the clock with a copy of the payload; unknown units reject in the plugin', async () => {
  await loadFixtures(runner, ['jobs-plugin'], clock)
  const results = await runner.processEvents([
    makeEvent({ event: 'run-now' }),
    makeEvent({ event: 'run-in' }),
    makeEvent({ event: 'run-at', properties: { at: at(3_600_000) } }),
    makeEvent({ event: 'bad-unit' }),
    makeEvent({ event: 'bare' }),
    makeEvent({ event: 'unknown-job' }),
  ])
  assert.equal(results[3].output?.properties?.unitError, 'Unknown time unit: fortnights')
  assert.deepEqual(results[1].stages.find((s) => s.method === 'processEvent')?.jobs, [{ type: 'hello', payload: { when: 'in' }, runAt: at(120_000), delayMs: 120_000 }])
  const state = await runner.state()
  assert.deepEqual(state.plugins[0].queuedJobs.map((j) => [j.name, j.runAt]), [['hello', at(0)], ['bare', at(0)], ['notThere', at(0)], ['hello', at(120_000)], ['hello', at(3_600_000)]])
  const run = await runner.runUntilIdle()
  assert.deepEqual(run.fired.map((f) => f.time), [at(0), at(0), at(0), at(120_000), at(3_600_000)])
  const consoleLines = run.logs.filter((l) => l.source === 'CONSOLE').map((l) => [l.message, new Date(l.time).toISOString()])
  assert.deepEqual(consoleLines, [
    ['hello {"list":[1]} function', at(0)],
    ['bare 1 object', at(0)],
    ['hello {"when":"in"} function', at(120_000)],
    ['hello {"when":"at"} function', at(3_600_000)],
  ])
  assert.ok(run.logs.some((l) => l.source === 'PLUGIN' && l.message === 'Error: Task "notThere" not found for plugin "Jobs plugin" with config id [object Object]'))
  const records = await runner.records()
  assert.deepEqual(records.jobs.map((j) => j.status), ['ok', 'ok', 'ok', 'ok', 'error'])
})

test("setupPlugin RetryError: attempts 5, 10, 20 and 40 s apart on the clock, then the plugin is disabled with PostHog's lines", async () => {
  const load = await loadFixtures(runner, ['setup-retry-forever'], clock)
  assert.equal(load.setup[0].setup, 'deferred')
  const [first] = await runner.processEvents([makeEvent()])
  assert.equal(first.output?.properties?.seen, true, 'PostHog uses the methods while a retry is pending')
  assert.equal((await runner.state()).plugins[0].nextSetupRetryAt, at(5_000))
  const run = await runner.runUntilIdle()
  assert.deepEqual(run.fired.map((f) => f.time), [at(5_000), at(15_000), at(35_000), at(75_000)])
  const system = run.logs.filter((l) => l.source === 'SYSTEM').map((l) => l.message.replace(/instance ID [^)]+/, 'instance ID X'))
  assert.deepEqual(system, [
    'setupPlugin failed with RetryError (attempt 2/5): still down (2) (instance ID X). Retrying in 10 s...',
    'setupPlugin failed with RetryError (attempt 3/5): still down (3) (instance ID X). Retrying in 20 s...',
    'setupPlugin failed with RetryError (attempt 4/5): still down (4) (instance ID X). Retrying in 40 s...',
    'setupPlugin failed with RetryError (attempt 5/5): still down (5) (instance ID X). Disabled the app!',
  ])
  assert.equal((await runner.state()).plugins[0].setup, 'errored')
  const [later] = await runner.processEvents([makeEvent()])
  assert.equal(later.output?.properties?.seen, undefined, 'a disabled plugin does not run')
})

test('onEvent RetryError: retried on the clock at 5 s, then 10 s …', async () => {
  await loadFixtures(runner, ['on-event'], clock)
  const [r] = await runner.processEvents([makeEvent({ event: 'retry-me' })])
  assert.equal(r.error, null)
  assert.equal((await runner.state()).timers.find((t) => t.label === 'onEvent retry')?.time, at(5_000))
  const run = await runner.runUntilIdle()
  assert.deepEqual(run.fired, [
    { label: 'onEvent retry', time: at(5_000) },
    { label: 'onEvent retry', time: at(15_000) },
  ])
  assert.deepEqual(
    run.logs.filter((l) => l.source === 'SYSTEM').map((l) => l.message),
    ['onEvent failed with RetryError (attempt 2/5): later. Retrying in 10 s.'],
  )
})

test("the plugin's Date reads the runtime clock", async () => {
  await loadFixtures(runner, ['jobs-plugin'], clock)
  await runner.advance(90_000)
  const [r] = await runner.processEvents([makeEvent({ event: 'what-time' })])
  const p = r.output!.properties!
  assert.ok((p.now as number) >= T0 + 90_000 && (p.now as number) < T0 + 95_000, String(p.now))
  assert.match(String(p.iso), /^2024-01-01T00:01:3\d\.\d{3}Z$/)
  assert.equal(p.isDate, true)
  assert.equal(p.asFunction, 'string')
})
