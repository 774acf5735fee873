// Crash safety at the studio's level: the backend SIGKILLed at random points while it saves (the file
// is always the old or the new whole content), and the runtime process killed in the middle of a
// run (the workspace is intact, the run names the events that were not processed, the next run works).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import path from 'node:path'
import os from 'node:os'
import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdtemp, mkdir, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises'
import type { StudioEvents } from '../../common/protocol/studio.ts'
import type { PluginEvent } from '../../common/plugin/event.ts'
import { Runner } from './runner/runner.ts'
import { SecretsService } from './secrets/secrets-service.ts'
import { SessionSecretStore } from './secrets/session-store.ts'
import { StudioService } from './studio-service.ts'
import { Workspace } from './workspace/workspace.ts'
import { TEMP_PREFIX } from './workspace/atomic-write.ts'
import { STALE_TEMP_MS } from './workspace/temp-sweep.ts'

const WORKSPACE_TS = path.join(import.meta.dirname, 'workspace', 'workspace.ts')
/** Generation `n` of the saved file: big enough that a write takes several syscalls, self-describing so a torn file is caught. */
const generation = (n: number) => `// generation ${n}\n${`export const line${n} = ${JSON.stringify('x'.repeat(200))}\n`.repeat(3000)}// end ${n}\n`

/** A backend that saves `hello/index.ts` in a loop from generation `first` on, printing each generation it finished. */
function startSaveLoop(dir: string, first: number) {
  const source = `
    const { Workspace } = await import(${JSON.stringify(WORKSPACE_TS)})
    const generation = ${generation.toString()}
    const workspace = await Workspace.open(${JSON.stringify(dir)})
    process.stdout.write('ready\\n')
    for (let n = ${first}; ; n++) {
      await workspace.writeFile('hello/index.ts', generation(n))
      process.stdout.write('saved ' + n + '\\n')
    }`
  const child = spawn(process.execPath, ['--input-type=module', '-e', source], { stdio: ['ignore', 'pipe', 'inherit'] })
  let out = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk))
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout.on('data', () => out.includes('ready') && resolve())
    child.once('exit', (code) => reject(new Error(`the save loop exited (${code}) before it was ready`)))
  })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  return { child, ready, exited, saved: () => [...out.matchAll(/saved (\d+)/g)].map((m) => Number(m[1])) }
}

test('the backend SIGKILLed at random points mid-save: the file is always a whole generation, temp files stay hidden and are swept once stale', async (t) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'crash-save-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  await mkdir(path.join(dir, 'hello'))
  await writeFile(path.join(dir, 'hello', 'plugin.json'), '{"name":"Hello"}')
  await writeFile(path.join(dir, 'hello', 'index.ts'), generation(0))
  let seed = 7
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31)
  const KILLS = 25
  let lastSeen = 0
  let leftovers = 0
  for (let kill = 0; kill < KILLS; kill++) {
    const loop = startSaveLoop(dir, lastSeen + 1)
    await loop.ready
    await new Promise((r) => setTimeout(r, 5 + Math.floor(random() * 120)))
    loop.child.kill('SIGKILL')
    await loop.exited
    const content = await readFile(path.join(dir, 'hello', 'index.ts'), 'utf8')
    const n = Number(/^\/\/ generation (\d+)\n/.exec(content)?.[1])
    assert.ok(Number.isInteger(n), `kill ${kill}: the file does not start with a generation header`)
    assert.equal(content, generation(n), `kill ${kill}: generation ${n} is torn (${content.length} bytes)`)
    // The last save the child reported finished is on disk (or the one after it, renamed just before the kill).
    const saved = loop.saved()
    if (saved.length) assert.ok(n === saved.at(-1) || n === saved.at(-1)! + 1, `kill ${kill}: on disk ${n}, last reported ${saved.at(-1)}`)
    assert.ok(n >= lastSeen, `kill ${kill}: generation ${n} on disk after ${lastSeen}: a save went backwards`)
    lastSeen = n
    // A temp file may be left by the kill; it is never shown as a workspace file or a plugin.
    leftovers = (await readdir(path.join(dir, 'hello'))).filter((name) => name.startsWith(TEMP_PREFIX)).length
    const workspace = await Workspace.open(dir)
    assert.deepEqual((await workspace.listFiles('hello')).map((f) => f.path), ['hello/index.ts', 'hello/plugin.json'])
    assert.deepEqual((await workspace.listPlugins()).map((p) => p.id), ['hello'])
  }
  // Once stale, what the kills left behind goes when the workspace opens; the saved file stays.
  const temps = (await readdir(path.join(dir, 'hello'))).filter((name) => name.startsWith(TEMP_PREFIX))
  const then = new Date(Date.now() - STALE_TEMP_MS - 1000)
  for (const name of temps) await utimes(path.join(dir, 'hello', name), then, then)
  await Workspace.open(dir)
  assert.deepEqual((await readdir(path.join(dir, 'hello'))).sort(), ['index.ts', 'plugin.json'])
  assert.equal(await readFile(path.join(dir, 'hello', 'index.ts'), 'utf8'), generation(lastSeen))
  console.log(`backend kills mid-save: ${KILLS}, last generation on disk ${lastSeen}, temp files left on disk (hidden): ${leftovers}, swept once stale: ${temps.length}`)
})

async function treeHash(dir: string): Promise<Map<string, string>> {
  const hashes = new Map<string, string>()
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue
    const file = path.join(entry.parentPath, entry.name)
    hashes.set(path.relative(dir, file), createHash('sha256').update(await readFile(file)).digest('hex'))
  }
  return hashes
}

test('the runtime process killed mid-run: the workspace is intact, only the unprocessed events are named, processed ones keep their results, the next run works', async (t) => {
  const root = await mkdtemp(path.join(os.tmpdir(), 'crash-run-'))
  const dir = path.join(root, 'workspace')
  await mkdir(path.join(dir, 'slow'), { recursive: true })
  await writeFile(path.join(dir, 'slow', 'plugin.json'), JSON.stringify({ name: 'Slow', main: 'index.js' }))
  // 20 ms of work per event: a batch of 100 takes seconds, so the kill lands in its middle.
  await writeFile(path.join(dir, 'slow', 'index.js'), 'export function processEvent(event) { const end = Date.now() + 20; while (Date.now() < end) {} event.properties.slow = true; return event }\n')
  await writeFile(path.join(dir, 'slow', 'notes.md'), '# keep me\n')
  let runner: Runner | undefined
  /** Called with each batch the studio sends to the runtime (the studio sends a run in batches). */
  let onBatch: (events: PluginEvent[]) => void = () => {}
  const studio = new StudioService({
    workspace: await Workspace.open(dir),
    sampleEventsDir: null,
    secrets: new SecretsService(new SessionSecretStore()),
    startRunner: async (onCrash) => {
      const started = await Runner.start({ onCrash })
      runner = started
      const processEvents = started.processEvents.bind(started)
      started.processEvents = (batch) => {
        onBatch(batch)
        return processEvents(batch)
      }
      return started
    },
  })
  const seen: { name: keyof StudioEvents; payload: unknown }[] = []
  studio.subscribe((name, payload) => seen.push({ name, payload }))
  t.after(async () => {
    await studio.dispose()
    await rm(root, { recursive: true, force: true })
  })
  const events: PluginEvent[] = Array.from({ length: 300 }, (_, i) => ({
    uuid: `0189a7b0-0000-7000-8000-${String(i).padStart(12, '0')}`,
    event: `e${i}`,
    distinct_id: 'user',
    team_id: 2,
    ip: null,
    site_url: 'http://localhost',
    now: '2024-05-01T10:00:00.000Z',
    properties: {},
  }) as PluginEvent)
  const name = (i: number) => `e${i} ${events[i].uuid}`
  await studio.runEvents({ plugins: ['slow'], events: events.slice(0, 1) })
  const before = await treeHash(dir)
  // Two batches are on their way at a time; the third goes once the first came back. The kill lands
  // in the middle of the second: events 0–99 are done, 100–199 running, 200–299 waiting in the runtime.
  const batches: number[] = []
  let killed: Promise<void> | undefined
  onBatch = (batch) => {
    batches.push(batch.length)
    if (batches.length === 3) killed = new Promise((r) => setTimeout(r, 500)).then(() => void process.kill(runner!.pid!, 'SIGKILL'))
  }
  const run = studio.runEvents({ plugins: ['slow'], events })
  let interrupted: (Error & { lost?: string[]; results?: { output: PluginEvent | null }[]; processed?: number }) | undefined
  await assert.rejects(run, (error: Error) => ((interrupted = error), true))
  await killed
  onBatch = () => {}
  assert.deepEqual(batches, [100, 100, 100], 'the studio sends the run in batches of EVENTS_PER_CHUNK')
  assert.ok(interrupted)
  assert.equal(interrupted.name, 'RunInterruptedError')
  assert.match(interrupted.message, /runtime process died \(signal SIGKILL\)/)
  // Exactly the unprocessed events, in order: from the batch that was running (the second, or the
  // third when this process was slow to take the first's results) to the end.
  const processed = interrupted.processed ?? -1
  assert.ok(processed === 100 || processed === 200, `the kill lands in the second or third batch, not after ${processed} events`)
  assert.deepEqual(interrupted.lost, events.slice(processed).map((_, i) => name(processed + i)))
  assert.match(interrupted.message, new RegExp(`Events ${processed + 1}–300 of 300 were not processed: e${processed} 0189a7b0-0000-7000-8000-000000000${processed}, .*, and ${300 - processed - 5} more\\. The ${processed} before them were processed and keep their results\\.`))
  assert.ok(!interrupted.lost.some((l) => Number(l.slice(1, l.indexOf(' '))) < processed), 'a processed event is named as lost')
  // The processed events keep their results.
  assert.deepEqual(interrupted.results?.map((r) => r.output?.event), events.slice(0, processed).map((e) => e.event))
  assert.ok(interrupted.results?.every((r) => r.output?.properties?.slow === true))
  // The UI's crash notice names the events that were in the runtime (the batches in flight).
  const crashed = seen.find((s) => s.name === 'runtimeCrashed')?.payload as { lost: string[] } | undefined
  assert.deepEqual(crashed?.lost, interrupted.lost, 'the UI is told which events were lost')
  assert.deepEqual(await treeHash(dir), before, 'the workspace changed when the runtime died')
  const again = await studio.runEvents({ plugins: ['slow'], events: events.slice(0, 3) })
  assert.deepEqual(again.results.map((r) => r.output?.properties?.slow), [true, true, true])
  console.log(`runtime killed mid-run: ${interrupted.lost.length} of ${events.length} events named as not processed, ${interrupted.processed} kept their results`)
})
