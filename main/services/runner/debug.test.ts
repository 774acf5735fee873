// The runtime's debug relay (runtime/debug), through the real runtime process: breakpoints on the
// TypeScript source's lines, stepping, scopes, evaluation, conditions, and time limits that count
// only running time.
import { after, afterEach, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import type { DebugPaused, DebugProperty } from '../../../common/protocol/runtime.ts'
import { Runner } from './runner.ts'
import { fixtureDir, loadFixtures, makeEvent } from './test-fixtures.ts'

const FILE = `${fixtureDir('debug-target')}/index.ts`
const SOURCE = readFileSync(FILE, 'utf8').split('\n')
/** The 1-based line of the fixture that carries `// @line <name>`. */
function line(name: string): number {
  const i = SOURCE.findIndex((l) => l.endsWith(`// @line ${name}`))
  assert.ok(i >= 0, `marker ${name}`)
  return i + 1
}

let runner: Runner
let crashes = 0
before(async () => {
  runner = await Runner.start({ onCrash: () => crashes++ })
})
// A failed test must not leave its call paused (the next test's events would queue behind it).
afterEach(async () => {
  await runner.debugCommand('stop').catch(() => undefined)
})
after(async () => {
  await runner?.close()
  assert.equal(crashes, 0, 'debugging never takes the runtime process down')
})

/** The next debugPaused event. */
function nextPause(): Promise<DebugPaused> {
  return new Promise((resolve) => {
    const off = runner.on('debugPaused', (p) => {
      off()
      resolve(p)
    })
  })
}

/** Sends a step command and waits for the pause it ends in (listening first: the pause may come before the answer). */
async function stepping(command: 'stepInto' | 'stepOut' | 'stepOver'): Promise<DebugPaused> {
  const paused = nextPause()
  await runner.debugCommand(command)
  return paused
}

async function properties(objectId: string): Promise<Record<string, DebugProperty['value']>> {
  return Object.fromEntries((await runner.debugGetProperties(objectId)).map((p) => [p.name, p.value]))
}

const LIMITS = { timeoutMs: 500, memoryMb: 64, debug: true }

test('a breakpoint on a TypeScript line pauses there, with the plugin frames mapped to the source', async () => {
  await loadFixtures(runner, ['debug-target'], LIMITS)
  const [placed] = await runner.debugSetBreakpoints([{ file: FILE, line: line('call-score') }])
  assert.deepEqual({ verified: placed.verified, line: placed.actualLine, plugin: placed.plugin }, { verified: true, line: line('call-score'), plugin: 'debug-target' })
  const paused = nextPause()
  const run = runner.processEvents([makeEvent({ event: 'hello' })])
  const p = await paused
  assert.equal(p.plugin, 'debug-target')
  assert.deepEqual(p.hitBreakpoints.map((b) => b.line), [line('call-score')])
  assert.deepEqual(p.callFrames.map((f) => [f.functionName, f.file, f.line]), [['processEvent', FILE, line('call-score')]], 'only the plugin frame; the runtime frames are hidden')
  const local = await properties(p.callFrames[0].scopes.find((s) => s.type === 'local')!.objectId)
  assert.deepEqual(local.kind, { type: 'string', value: 'hello' })

  const inside = await stepping('stepInto')
  assert.deepEqual(inside.callFrames.map((f) => [f.functionName, f.line]), [['scoreOf', line('score-points')], ['processEvent', line('call-score')]])

  // Out of scoreOf: the caller's next statement.
  const next = await stepping('stepOut')
  assert.equal(next.callFrames[0].line, line('set-properties'))
  const score = await properties(next.callFrames[0].scopes.find((s) => s.type === 'local')!.objectId)
  assert.ok(score.score.objectId, 'an object to expand')
  assert.deepEqual((await properties(score.score.objectId!)).points, { type: 'number', value: 50, description: '50' })

  const evaluated = await runner.debugEvaluate(next.callFrames[0].id, 'score.label + "/" + kind.toUpperCase()')
  assert.deepEqual(evaluated, { value: { type: 'string', value: 'score-50/HELLO' } })
  const failing = await runner.debugEvaluate(next.callFrames[0].id, 'nope.x')
  assert.match(failing.error ?? '', /ReferenceError: nope is not defined/)
  assert.equal((await stepping('stepOver')).callFrames[0].line, line('if-spin'))

  await runner.debugCommand('resume')
  const [result] = await run
  assert.equal(result.error, null)
  assert.deepEqual([result.output?.properties?.kind, result.output?.properties?.score], ['hello', 50])
})

test('a conditional breakpoint pauses only where its condition holds', async () => {
  await loadFixtures(runner, ['debug-target'], LIMITS)
  await runner.debugSetBreakpoints([{ file: FILE, line: line('kind'), condition: 'event.event === "second"' }])
  const paused = nextPause()
  const run = runner.processEvents([makeEvent({ event: 'first' }), makeEvent({ event: 'second' }), makeEvent({ event: 'third' })])
  const p = await paused
  const value = await runner.debugEvaluate(p.callFrames[0].id, 'event.event')
  assert.deepEqual(value.value, { type: 'string', value: 'second' })
  await runner.debugCommand('resume')
  assert.deepEqual((await run).map((r) => r.output?.properties?.kind), ['first', 'second', 'third'])
})

test('a call paused longer than its time limit is not stopped by it', async () => {
  await loadFixtures(runner, ['debug-target'], LIMITS)
  await runner.debugSetBreakpoints([{ file: FILE, line: line('return') }])
  const paused = nextPause()
  const run = runner.processEvents([makeEvent({ event: 'patient' })])
  await paused
  await new Promise((r) => setTimeout(r, 3 * LIMITS.timeoutMs))
  await runner.debugCommand('resume')
  const [result] = await run
  assert.equal(result.error, null)
  assert.equal(result.output?.properties?.kind, 'patient')
})

test('in debug mode a running endless loop is still stopped by the time limit', async () => {
  await loadFixtures(runner, ['debug-target'], LIMITS)
  await runner.debugSetBreakpoints([])
  const pid = runner.pid
  const [looped, next] = await runner.processEvents([makeEvent({ event: 'spin' }), makeEvent({ event: 'after' })])
  assert.equal(looped.error, 'Error: Script execution timed out after 500ms')
  assert.equal(next.error, null)
  assert.equal(next.output?.properties?.kind, 'after')
  assert.equal(runner.pid, pid)
})

test('pause stops a running loop inside it; the time limit still ends it once it goes on', async () => {
  await loadFixtures(runner, ['debug-target'], { ...LIMITS, timeoutMs: 3000 })
  await runner.debugSetBreakpoints([{ file: FILE, line: line('if-spin') }])
  const atIf = nextPause()
  const run = runner.processEvents([makeEvent({ event: 'spin' })])
  await atIf
  await runner.debugSetBreakpoints([])
  // The loop runs once resumed: Pause lands inside it.
  const paused = nextPause()
  await runner.debugCommand('resume')
  await runner.debugCommand('pause')
  const p = await paused
  assert.equal(p.callFrames[0].functionName, 'processEvent')
  const at = p.callFrames[0].line
  assert.ok(at > line('if-spin') && at <= line('if-spin') + 3, `paused inside the loop, not at line ${at}`)
  await runner.debugCommand('resume')
  const [result] = await run
  assert.equal(result.error, 'Error: Script execution timed out after 3000ms')
})

test('pause asked for just before a call starts stops that call in the plugin, and no later one', async () => {
  await loadFixtures(runner, ['debug-target'], LIMITS)
  await runner.debugSetBreakpoints([])
  const paused = nextPause()
  // A call that runs until its time limit, so the pause always finds it running.
  const run = runner.processEvents([makeEvent({ event: 'spin' })])
  // Sent at once: the call may not have reached the isolate yet; its kicks then pause it.
  await runner.debugCommand('pause')
  const p = await paused
  assert.deepEqual(p.callFrames.map((f) => f.file), [FILE], 'only plugin frames, never the runtime\'s own code')
  await runner.debugCommand('resume')
  assert.equal((await run)[0].error, 'Error: Script execution timed out after 500ms')
  const [next] = await runner.processEvents([makeEvent({ event: 'after' })])
  assert.equal(next.output?.properties?.kind, 'after', 'a later call is not paused by the old request')
})

test('pause asked for while the pipeline reloads stops the reloaded plugin\'s call', async () => {
  await loadFixtures(runner, ['debug-target'], LIMITS)
  await runner.debugSetBreakpoints([])
  const paused = nextPause()
  // A new load (new isolates, new inspector sessions), then the event: Pause comes while the load runs.
  const loaded = loadFixtures(runner, ['debug-target'], LIMITS)
  const run = runner.processEvents([makeEvent({ event: 'spin' })])
  await runner.debugCommand('pause')
  await loaded
  const p = await paused
  assert.deepEqual(p.callFrames.map((f) => f.functionName), ['processEvent'])
  await runner.debugCommand('resume')
  assert.equal((await run)[0].error, 'Error: Script execution timed out after 500ms')
  const [next] = await runner.processEvents([makeEvent({ event: 'after' })])
  assert.equal(next.output?.properties?.kind, 'after')
})

test('pause with nothing running does nothing; without debug mode it says how to get it', async () => {
  await loadFixtures(runner, ['debug-target'], LIMITS)
  await runner.debugCommand('pause')
  const [idle] = await runner.processEvents([makeEvent({ event: 'not-paused' })])
  assert.equal(idle.output?.properties?.kind, 'not-paused', 'an old Pause does not stop a later call')
  await loadFixtures(runner, ['debug-target'], { ...LIMITS, debug: false })
  await assert.rejects(runner.debugCommand('pause'), /set a breakpoint first/)
})

test('stop debugging lets the paused call finish and leaves the runtime healthy', async () => {
  await loadFixtures(runner, ['debug-target'], LIMITS)
  await runner.debugSetBreakpoints([{ file: FILE, line: line('kind') }])
  const paused = nextPause()
  const run = runner.processEvents([makeEvent({ event: 'one' }), makeEvent({ event: 'two' })])
  await paused
  await runner.debugCommand('stop')
  assert.deepEqual((await run).map((r) => [r.error, r.output?.properties?.kind]), [[null, 'one'], [null, 'two']], 'no more pauses after stop')
  const [again] = await runner.processEvents([makeEvent({ event: 'three' })])
  assert.equal(again.output?.properties?.kind, 'three')
  // Setting breakpoints again turns them back on.
  await runner.debugSetBreakpoints([{ file: FILE, line: line('kind') }])
  const pausedAgain = nextPause()
  const run2 = runner.processEvents([makeEvent({ event: 'four' })])
  assert.equal((await pausedAgain).callFrames[0].line, line('kind'))
  await runner.debugCommand('resume')
  assert.equal((await run2)[0].output?.properties?.kind, 'four')
})

test('a breakpoint on a blank or comment line moves to the next line with code', async () => {
  await loadFixtures(runner, ['debug-target'], LIMITS)
  const [placed] = await runner.debugSetBreakpoints([{ file: FILE, line: line('comment') }])
  assert.equal(placed.verified, true)
  assert.equal(placed.actualLine, line('kind'))
  const [elsewhere] = await runner.debugSetBreakpoints([{ file: '/nowhere/index.ts', line: 3 }])
  assert.deepEqual(elsewhere, { file: '/nowhere/index.ts', line: 3, verified: false })
})
