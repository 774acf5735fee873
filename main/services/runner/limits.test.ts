// Each limit stops the offending plugin call with a clear error; the runtime process, the rest of
// the batch and the other plugins go on. Through the real runtime process.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { Runner } from './runner.ts'
import { loadFixtures, makeEvent } from './test-fixtures.ts'

let runner: Runner
let crashes = 0
before(async () => {
  runner = await Runner.start({ onCrash: () => crashes++ })
})
after(async () => {
  await runner?.close()
  assert.equal(crashes, 0, 'no limit may take the runtime process down')
})

const LIMITS = { timeoutMs: 300, memoryMb: 32 }

test('an infinite loop in processEvent fails that event only, with a timeout error', async () => {
  await loadFixtures(runner, ['infinite-loop', 'cjs-module-exports'], LIMITS)
  const pid = runner.pid
  const [before, looped, afterwards] = await runner.processEvents([makeEvent(), makeEvent({ event: 'loop' }), makeEvent()])
  assert.equal(before.output?.properties?.ok, true)
  assert.equal(looped.error, 'Error: Script execution timed out after 300ms')
  assert.equal(looped.output?.properties?.style, 'cjs', 'the event passed on to the next plugin')
  assert.equal(afterwards.output?.properties?.ok, true)
  assert.equal(runner.pid, pid)
})

test('an infinite loop at the top level fails the load of that plugin only', async () => {
  const load = await loadFixtures(runner, ['top-level-loop', 'cjs-module-exports'], LIMITS)
  assert.match(load.setup[0].error ?? '', /Script execution timed out/)
  assert.equal(load.setup[1].error, null)
  const [r] = await runner.processEvents([makeEvent()])
  assert.equal(r.output?.properties?.style, 'cjs')
})

test('a memory bomb kills only its isolate; the plugin gets a fresh one for the next call', async () => {
  // A generous time limit: under machine load the bomb must meet the memory limit first.
  await loadFixtures(runner, ['memory-bomb', 'cjs-module-exports'], { ...LIMITS, timeoutMs: 10_000 })
  const results = await runner.processEvents([makeEvent(), makeEvent({ event: 'bomb' }), makeEvent()])
  for (const r of results) {
    // The isolate's results for this batch die with it; each event says so and still went on.
    assert.match(r.error ?? '', /Isolate was disposed during execution due to memory limit \(32 MB\)/)
    assert.equal(r.output?.properties?.style, 'cjs', 'the other plugin still ran on it')
  }
  const [next] = await runner.processEvents([makeEvent()])
  assert.equal(next.error, null)
  assert.equal(next.output?.properties?.calls, 1, 'a fresh isolate: meta.global started over')
  assert.ok(next.logs.some((l) => l.source === 'SYSTEM' && l.message.startsWith("The plugin's isolate was disposed")))
})

test('a promise that can never settle is cut off at once with a TimeoutError', async () => {
  await loadFixtures(runner, ['never-settles'], LIMITS)
  const [hang, fine] = await runner.processEvents([makeEvent({ event: 'hang' }), makeEvent()])
  assert.match(hang.error ?? '', /^TimeoutError: Script execution timed out after promise waited for 0\.3 seconds \(Never settles, name: processEvent, pluginConfigId: 1\)/)
  assert.equal(fine.output?.properties?.ok, true)
})

test('runaway async work (an endless await loop) is cut off by the time limit', async () => {
  await loadFixtures(runner, ['runaway-microtasks'], LIMITS)
  const [spin, fine] = await runner.processEvents([makeEvent({ event: 'spin' }), makeEvent()])
  assert.equal(spin.error, 'Error: Script execution timed out after 300ms')
  assert.equal(fine.output?.properties?.ok, true)
})
