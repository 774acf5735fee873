// PostHog's (PH-2022) lifecycle and per-event rules, through the real runtime process.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { Runner } from './runner.ts'
import { loadFixtures, makeEvent, spec } from './test-fixtures.ts'

let runner: Runner
before(async () => {
  runner = await Runner.start()
})
after(async () => {
  await runner?.close()
})

test('setupPlugin is deferred to the first event (lazy), then runs once', async () => {
  const load = await loadFixtures(runner, ['esm-enrich'])
  assert.equal(load.setup[0].setup, 'deferred')
  assert.ok(!load.setup[0].logs.some((l) => l.message.startsWith('setupPlugin succeeded')))
  const [first] = await runner.processEvents([makeEvent()])
  assert.equal(first.stages[0].method, 'setupPlugin')
  assert.ok(first.logs.some((l) => l.source === 'SYSTEM' && /^setupPlugin succeeded \(instance ID .+\)\.$/.test(l.message)))
  const [second] = await runner.processEvents([makeEvent()])
  assert.ok(!second.stages.some((s) => s.method === 'setupPlugin'))
})

test('plugins with scheduled tasks or jobs are set up at load (eager)', async () => {
  const load = await loadFixtures(runner, ['eager-setup'])
  assert.equal(load.setup[0].setup, 'ready')
  assert.deepEqual(load.setup[0].capabilities, { methods: ['setupPlugin', 'processEvent'], jobs: ['doThing'], scheduled_tasks: ['runEveryMinute'] })
  assert.ok(load.setup[0].logs.some((l) => l.message === 'setup ran'))
})

test("RetryError in setupPlugin is retried with PostHog's back-off on the runtime clock", async () => {
  await loadFixtures(runner, ['setup-retry'])
  const [r] = await runner.processEvents([makeEvent()])
  const retryLine = (l: { source: string; message: string }) => l.source === 'SYSTEM' && l.message.startsWith('setupPlugin failed with')
  assert.deepEqual(
    r.logs.filter(retryLine).map((l) => l.message.replace(/instance ID [^)]+/, 'instance ID X')),
    ['setupPlugin failed with RetryError (attempt 1/5): not yet (1) (instance ID X). Retrying in 5 s...'],
  )
  assert.equal(r.output?.properties?.setupAttempts, undefined, 'PostHog uses the methods while a retry is pending')
  const second = await runner.advance(5000)
  assert.deepEqual(second.fired.map((f) => f.label), ['setupPlugin retry'])
  assert.ok(second.logs.some((l) => retryLine(l) && l.message.includes('(attempt 2/5): not yet (2)') && l.message.endsWith('Retrying in 10 s...')))
  const third = await runner.advance(10_000)
  assert.ok(third.logs.some((l) => /^setupPlugin succeeded/.test(l.message)))
  const [after] = await runner.processEvents([makeEvent()])
  assert.equal(after.output?.properties?.setupAttempts, 3)
  const teardown = await runner.unload()
  assert.ok(teardown.teardown[0].logs.some((l) => l.message === 'tearing down after 3 attempts'))
  assert.ok(teardown.teardown[0].logs.some((l) => /^Plugin unloaded \(instance ID .+\)\.$/.test(l.message)))
})

test('a setupPlugin error disables the plugin: its methods count as absent, events pass on', async () => {
  await loadFixtures(runner, ['setup-fails', 'cjs-module-exports'])
  const [r] = await runner.processEvents([makeEvent()])
  assert.ok(r.logs.some((l) => l.source === 'SYSTEM' && /^setupPlugin failed with Error: apiKey is required \(instance ID .+\)\. Disabled the app!$/.test(l.message)))
  assert.equal(r.output?.properties?.shouldNotRun, undefined)
  assert.equal(r.output?.properties?.style, 'cjs', 'the next plugin still runs')
})

test('processEvent runs in pipeline order; $plugins_* are written as PH-2022 writes them', async () => {
  await loadFixtures(runner, ['cjs-module-exports', 'export-default', 'on-event'])
  const input = makeEvent()
  const [r] = await runner.processEvents([input])
  assert.deepEqual(Object.keys(r.output!.properties!), [...Object.keys(input.properties!), 'style', 'lastArgIsMeta', 'fromProcessEvent', '$plugins_succeeded', '$plugins_failed', '$plugins_deferred'])
  assert.equal(r.output?.properties?.style, 'export-default', 'the later plugin ran on the earlier one’s output')
  assert.deepEqual(r.output?.properties?.$plugins_succeeded, ['CJS module.exports (1)', 'export default (2)', 'On event (3)'])
  assert.deepEqual(r.output?.properties?.$plugins_deferred, ['On event (3)'])
  assert.deepEqual(r.input, input, 'the input is reported exactly as given')
  assert.equal(r.output?.uuid, input.uuid)
})

test('a plugin that returns a new object loses the $plugins_* annotations (they go on the input object)', async () => {
  await loadFixtures(runner, ['batch-only'])
  const [r] = await runner.processEvents([makeEvent()])
  assert.equal(r.output?.properties?.batched, 1)
  assert.equal(r.output?.properties?.$plugins_succeeded, undefined)
})

test('null and undefined (sync or async) drop the event; later plugins do not see it', async () => {
  await loadFixtures(runner, ['drop-filter', 'cjs-module-exports'])
  const results = await runner.processEvents([makeEvent({ event: 'drop-null' }), makeEvent({ event: 'drop-undefined' }), makeEvent({ event: 'drop-async' }), makeEvent({ event: 'keep' })])
  assert.deepEqual(results.map((r) => r.output === null), [true, true, true, false])
  assert.deepEqual(results.map((r) => r.droppedBy), ['drop-filter', 'drop-filter', 'drop-filter', null])
  assert.deepEqual(results[1].stages.map((s) => `${s.plugin}.${s.method}`), ['drop-filter.processEvent'])
})

test('a thrown Error, string or rejection lets the event pass on with the error recorded', async () => {
  await loadFixtures(runner, ['throws', 'cjs-module-exports'])
  const [error, string, rejection, fine] = await runner.processEvents([
    makeEvent({ event: 'throw-error' }),
    makeEvent({ event: 'throw-string' }),
    makeEvent({ event: 'reject' }),
    makeEvent({ event: 'fine' }),
  ])
  assert.equal(error.error, 'Error: plugin broke')
  assert.equal(string.error, 'a plain string')
  assert.equal(rejection.error, 'TypeError: async broke')
  assert.equal(fine.error, null)
  for (const r of [error, string, rejection]) {
    assert.equal(r.output?.properties?.style, 'cjs', 'the event went on to the next plugin')
    assert.equal(r.output?.properties?.touched, true, 'changes made before the throw persist')
    assert.deepEqual(r.output?.properties?.$plugins_failed, ['Throws (1)'])
  }
  assert.equal(string.logs.find((l) => l.source === 'PLUGIN')?.message, 'a plain string')
  assert.match(error.logs.find((l) => l.source === 'PLUGIN')?.message ?? '', /^Error: plugin broke\n\s+at processEvent \(index\.ts:4:/)
})

test("changing team_id is refused with PostHog's IllegalOperationError; other changes stay", async () => {
  await loadFixtures(runner, ['team-id'])
  const [r] = await runner.processEvents([makeEvent({ team_id: 2 })])
  assert.equal(r.error, 'IllegalOperationError: Plugin tried to change event.team_id')
  assert.equal(r.output?.team_id, 2)
  assert.equal(r.output?.properties?.changed, true)
})

test('onEvent gets the ProcessedPluginEvent after processEvent; RetryError is retried', async () => {
  await loadFixtures(runner, ['on-event'])
  const [r, retried] = await runner.processEvents([makeEvent({ $set: { email: 'a@b.c' } }), makeEvent({ event: 'retry-me' })])
  const log = r.logs.find((l) => l.message.startsWith('onEvent'))!.message
  assert.equal(log, 'onEvent ["distinct_id","ip","team_id","event","properties","timestamp","$set","$set_once","uuid","elements"] true 1 ["On event (1)"]')
  assert.deepEqual(retried.stages.filter((s) => s.method === 'onEvent').map((s) => s.error), ['RetryError (attempt 1/5): later'])
  assert.ok(retried.logs.some((l) => l.message === 'onEvent failed with RetryError (attempt 1/5): later. Retrying in 5 s.'))
  assert.equal(retried.error, null, 'a retry is pending, not a failure')
  const retry = await runner.advance(5000)
  assert.deepEqual(retry.fired.map((f) => f.label), ['onEvent retry'])
  assert.ok(!retry.logs.some((l) => l.level === 'error'), 'the second attempt succeeded')
})

test('exportEvents: events are buffered through onEvent and flushed on the clock and at teardown', async () => {
  const load = await loadFixtures(runner, ['export-events'])
  assert.deepEqual(load.setup[0].capabilities.methods, ['teardownPlugin', 'exportEvents', 'onEvent'])
  assert.deepEqual(load.setup[0].capabilities.jobs, ['exportEventsWithRetry'])
  assert.equal(load.setup[0].setup, 'ready', 'the exportEventsWithRetry job makes setup eager, as in PostHog')
  await runner.processEvents([makeEvent({ event: 'a' }), makeEvent({ event: '$ignored' }), makeEvent({ event: 'b' })])
  const state = await runner.state()
  assert.equal(state.plugins[0].exportBuffer?.events, 2, '$ignored is in exportEventsToIgnore')
  const teardown = await runner.unload()
  assert.ok(teardown.teardown[0].logs.some((l) => l.message === 'exported 2 a,b'), 'teardown flushes the buffer')
  assert.ok(teardown.teardown[0].logs.some((l) => l.message === 'teardown'))
})

test('meta.global persists between calls of one plugin, and is per plugin', async () => {
  await loadFixtures(runner, ['on-event', spec('on-event', { id: 'second' })])
  await runner.processEvents([makeEvent()])
  const [r] = await runner.processEvents([makeEvent()])
  const counts = r.logs.filter((l) => l.message.startsWith('onEvent')).map((l) => l.message.split(' ')[3])
  assert.deepEqual(counts, ['2', '2'])
})

test('a promise rejection nobody handles is logged; the event and the batch go on', async () => {
  await loadFixtures(runner, ['unhandled-rejection'])
  const results = await runner.processEvents([makeEvent(), makeEvent()])
  for (const r of results) assert.equal(r.output?.properties?.returned, true)
  assert.ok(results[1].logs.some((l) => l.level === 'error' && l.message === 'Unhandled promise rejection: nobody waits for this'))
})

test('lines logged at the top level and by promise callbacks after an event returned are kept, not dropped', async () => {
  const load = await loadFixtures(runner, ['late-logs'])
  assert.ok(load.setup[0].logs.some((l) => l.source === 'CONSOLE' && l.level === 'log' && l.message === 'top level ran'), 'the top level line is in the load logs')
  const results = await runner.processEvents([makeEvent({ event: 'first' }), makeEvent({ event: 'second' })])
  const late = results.flatMap((r) => r.logs).filter((l) => l.level === 'warn').map((l) => l.message)
  assert.deepEqual(late.sort(), ['still working on first', 'still working on second'])
})
