// Crash safety at the CLI's level (issue 7): the runtime process SIGKILLed in the middle of
// `plugin-studio run --json`. The report stays one valid JSON document, says which events were lost in
// the crash and how many were never run, the exit code is 1, and the plugin folder is untouched.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { REPO } from './spawn-cli.test-helper.ts'

const ENTRY = existsSync(join(REPO, 'bin', 'plugin-studio.js')) ? join(REPO, 'bin', 'plugin-studio.js') : join(REPO, 'main', 'cli.ts')

/** Processes whose parent is `pid` (Linux /proc). */
function childrenOf(pid: number): { pid: number; cmdline: string }[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .flatMap((name) => {
      try {
        const stat = readFileSync(`/proc/${name}/stat`, 'utf8')
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
        return ppid === pid ? [{ pid: Number(name), cmdline: readFileSync(`/proc/${name}/cmdline`, 'utf8').replace(/\0/g, ' ') }] : []
      } catch {
        return []
      }
    })
}

test('the runtime killed mid-run: valid JSON naming the lost events, exit 1, the plugin folder untouched', { skip: process.platform !== 'linux' && 'needs /proc to find the runtime process' }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cli-crash-'))
  try {
    const plugin = join(dir, 'slow')
    mkdirSync(plugin)
    writeFileSync(join(plugin, 'plugin.json'), '{"name":"Slow","main":"index.js"}')
    // 10 ms of work per event: 100-event batches of about a second each.
    writeFileSync(join(plugin, 'index.js'), 'export function processEvent(event) { const end = Date.now() + 10; while (Date.now() < end) {} event.properties.slow = true; return event }\n')
    const events = Array.from({ length: 500 }, (_, i) => JSON.stringify({ event: `e${i}`, uuid: `0189a7b0-0000-7000-8000-${String(i).padStart(12, '0')}`, distinct_id: 'u', properties: {} }))
    writeFileSync(join(dir, 'events.jsonl'), `${events.join('\n')}\n`)
    const before = readdirSync(plugin).map((name) => [name, readFileSync(join(plugin, name), 'utf8')])

    const child = spawn(process.execPath, [ENTRY, 'run', plugin, '--events', join(dir, 'events.jsonl'), '--json'], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk) => (stdout += chunk))
    child.stderr.on('data', (chunk) => (stderr += chunk))
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
    // Once the first batch is reported, kill the runtime process in the middle of the next.
    const deadline = Date.now() + 60_000
    const lastOfFirstBatch = '"uuid":"0189a7b0-0000-7000-8000-000000000099"'
    let gone = false
    void exited.then(() => (gone = true))
    while (!stdout.includes(lastOfFirstBatch) && !gone && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20))
    assert.ok(stdout.includes(lastOfFirstBatch), `the first batch was not reported: ${stderr}`)
    await new Promise((r) => setTimeout(r, 300))
    const runtime = childrenOf(child.pid!).find((c) => c.cmdline.includes('runtime/main.ts'))
    assert.ok(runtime, `no runtime process under the CLI: ${JSON.stringify(childrenOf(child.pid!))}`)
    process.kill(runtime.pid, 'SIGKILL')
    const code = await exited

    assert.equal(code, 1, stderr)
    const report = JSON.parse(stdout) as { results: unknown[]; crashes: { message: string; lost: string[] }[]; summary: Record<string, number> }
    assert.ok(report.results.length >= 100 && report.results.length < 500, `${report.results.length} results`)
    assert.equal(report.crashes.length, 1)
    assert.match(report.crashes[0].message, /runtime process died \(signal SIGKILL\)/)
    assert.ok(report.crashes[0].lost.length > 0, 'the events lost in the crash are named')
    for (const name of report.crashes[0].lost) assert.match(name, /^e\d+ 0189a7b0-/)
    // Every event is accounted for: reported, lost in the crash (named), or never run.
    const lostIndexes = report.crashes[0].lost.map((name) => Number(/^e(\d+)/.exec(name)![1]))
    assert.equal(Math.min(...lostIndexes), report.results.length, 'the lost events are the ones right after the last reported')
    assert.match(stderr, /plugin-studio run: the plugin runtime failed: .*died \(signal SIGKILL\)/)
    assert.deepEqual(readdirSync(plugin).map((name) => [name, readFileSync(join(plugin, name), 'utf8')]), before, 'the plugin folder changed')
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})
