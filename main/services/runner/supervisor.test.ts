// The supervisor: the runtime is a separate process; when it dies, the Runner restarts it, reloads
// the pipeline and says what was lost — never silently.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Runner, findRuntimeNode } from './runner.ts'
import { loadFixtures, makeEvent } from './test-fixtures.ts'

test('findRuntimeNode gives a Node of at least version 22', async () => {
  const { execFileSync } = await import('node:child_process')
  const version = execFileSync(findRuntimeNode(), ['--version'], { encoding: 'utf8' }).trim()
  assert.ok(Number(version.slice(1).split('.')[0]) >= 22, version)
})

test('status reports the runtime process and the heap of each warm isolate', async () => {
  const runner = await Runner.start()
  try {
    await loadFixtures(runner, ['cjs-module-exports'])
    await runner.processEvents([makeEvent()])
    const status = await runner.status()
    assert.equal(status.pid, runner.pid)
    assert.deepEqual(status.plugins, ['cjs-module-exports'])
    assert.ok(status.isolateHeapBytes['cjs-module-exports'] > 0)
  } finally {
    await runner.close()
  }
})

test('a dead runtime process is restarted and reloaded; the lost events are named', async () => {
  const crashes: { message: string; lost: string[] }[] = []
  const runner = await Runner.start({ onCrash: (info) => crashes.push(info) })
  try {
    await loadFixtures(runner, ['infinite-loop'], { timeoutMs: 10_000 })
    const firstPid = runner.pid!
    const looping = makeEvent({ event: 'loop' })
    const call = runner.processEvents([looping])
    setTimeout(() => process.kill(firstPid, 'SIGKILL'), 300)
    await assert.rejects(call, (error: Error & { lost?: string[] }) => {
      assert.equal(error.name, 'RuntimeCrashError')
      assert.match(error.message, /The plugin runtime process died \(signal SIGKILL\) during processEvents/)
      assert.deepEqual(error.lost, [`loop ${looping.uuid}`])
      return true
    })
    assert.equal(crashes.length, 1)
    assert.deepEqual(crashes[0].lost, [`loop ${looping.uuid}`])
    const [r] = await runner.processEvents([makeEvent()])
    assert.notEqual(runner.pid, firstPid)
    assert.equal(r.output?.properties?.ok, true, 'the pipeline was reloaded in the new process')
  } finally {
    await runner.close()
  }
})
