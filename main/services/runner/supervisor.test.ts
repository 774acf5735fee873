// The supervisor: the runtime is a separate process; when it dies, the Runner restarts it, reloads
// the pipeline and says what was lost — never silently.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { Runner, findRuntimeNode } from './runner.ts'
import { loadFixtures, makeEvent, spec } from './test-fixtures.ts'

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

test('a plugin loaded disabled (the reload after a watchdog kill) says why; the rest runs; an explicit load enables it again', async () => {
  const runner = await Runner.start()
  try {
    const load = await loadFixtures(runner, [spec('cjs-module-exports', { disabled: 'a call of this plugin ignored its time and memory limits' }), 'esm-enrich'])
    assert.equal(load.setup[0].setup, 'failed')
    assert.match(load.setup[0].error ?? '', /watchdog ended the runtime process: a call of this plugin ignored .* Disabled the app!/)
    assert.equal(load.setup[1].error, null)
    const [r] = await runner.processEvents([makeEvent()])
    assert.equal(r.error, null)
    assert.equal(r.output?.properties?.style, undefined, 'the disabled plugin did not run')
    assert.ok(r.stages.every((s) => s.plugin === 'esm-enrich'), 'no stage of the disabled plugin')
    await loadFixtures(runner, ['cjs-module-exports', 'esm-enrich'])
    const [again] = await runner.processEvents([makeEvent()])
    assert.equal(again.output?.properties?.style, 'cjs', 'enabled again by the explicit load')
  } finally {
    await runner.close()
  }
})

/** Runtime processes (runtime/main.ts) started by this test process. */
function runtimeChildren(): number[] {
  const pids: number[] = []
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
      if (ppid === process.pid && readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes('runtime/main.ts')) pids.push(Number(entry))
    } catch {}
  }
  return pids
}

test('close() while the runtime is being restarted: no spurious crash report, and no process left behind', { skip: process.platform !== 'linux' }, async () => {
  const crashes: string[] = []
  let closing: Promise<void> | undefined
  const runner = await Runner.start({
    onCrash: (info) => {
      crashes.push(info.message)
      // The restart starts right after this report: close in the middle of it.
      closing ??= runner.close()
    },
  })
  await loadFixtures(runner, ['cjs-module-exports'])
  const pid = runner.pid!
  const exited = new Promise<void>((r) => {
    const poll = setInterval(() => {
      if (crashes.length > 0) {
        clearInterval(poll)
        r()
      }
    }, 20)
  })
  process.kill(pid, 'SIGKILL')
  await exited
  await closing
  // Give a stray child the time to say "ready" into a closed channel, or to linger.
  await new Promise((r) => setTimeout(r, 500))
  assert.equal(crashes.length, 1, crashes.join('\n'))
  assert.match(crashes[0], /The plugin runtime process died \(signal SIGKILL\)/)
  assert.equal(runner.pid, undefined)
  assert.deepEqual(runtimeChildren(), [], 'a runtime process outlived close()')
})
