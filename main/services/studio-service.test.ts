import { test } from 'node:test'
import assert from 'node:assert/strict'
import path from 'node:path'
import os from 'node:os'
import { createServer } from 'node:http'
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import type { StudioEvents } from '../../common/protocol/studio.ts'
import { Runner } from './runner/runner.ts'
import { SecretsService } from './secrets/secrets-service.ts'
import { SessionSecretStore } from './secrets/session-store.ts'
import { StudioService } from './studio-service.ts'
import { Workspace } from './workspace/workspace.ts'
import { defaultWorkspaceDir, ensureDefaultWorkspace } from './workspace/default-workspace.ts'

const SAMPLES = path.join(import.meta.dirname, '..', '..', 'sample-events')

async function setup(t: { after(fn: () => Promise<void>): void }) {
  const root = await mkdtemp(path.join(os.tmpdir(), 'studio-test-'))
  const dir = path.join(root, 'workspace')
  assert.deepEqual(await ensureDefaultWorkspace(dir, SAMPLES), { created: true })
  const studio = new StudioService({ workspace: await Workspace.open(dir), sampleEventsDir: SAMPLES, secrets: new SecretsService(new SessionSecretStore()), startRunner: (onCrash) => Runner.start({ onCrash }) })
  const seen: { name: keyof StudioEvents; payload: unknown }[] = []
  studio.subscribe((name, payload) => seen.push({ name, payload }))
  t.after(async () => {
    await studio.dispose()
    await rm(root, { recursive: true, force: true })
  })
  return { studio, dir, seen }
}

async function until(check: () => boolean, what: string) {
  const deadline = Date.now() + 5000
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 25))
  }
}

test('the default workspace: hello world, made once, in the data folder; the samples are listed once, not copied', async (t) => {
  assert.equal(defaultWorkspaceDir({ XDG_DATA_HOME: '/data' }, 'linux', '/home/u'), '/data/plugin-studio/workspace')
  assert.equal(defaultWorkspaceDir({}, 'linux', '/home/u'), '/home/u/.local/share/plugin-studio/workspace')
  assert.equal(defaultWorkspaceDir({}, 'darwin', '/Users/u'), '/Users/u/Library/Application Support/plugin-studio/workspace')
  const { studio, dir } = await setup(t)
  assert.deepEqual((await studio.listPlugins()).map((p) => p.id), ['hello-world'])
  const samples = (await readdir(SAMPLES)).filter((f) => f.endsWith('.json') || f.endsWith('.jsonl')).sort()
  assert.deepEqual((await readdir(dir)).sort(), ['hello-world'])
  const listed = await studio.listEventFiles()
  assert.deepEqual(listed.map((f) => f.name).sort(), samples)
  assert.ok(listed.every((f) => f.source === 'sample'))
  await writeFile(path.join(dir, 'hello-world', 'mine.txt'), 'kept')
  assert.deepEqual(await ensureDefaultWorkspace(dir, SAMPLES), { created: false })
  assert.equal(await readFile(path.join(dir, 'hello-world', 'mine.txt'), 'utf8'), 'kept')
})

test('run, save, run again: a save reloads the plugin and the new code runs', async (t) => {
  const { studio } = await setup(t)
  const { events } = await studio.readEventFile('sample:feature-flag-called.json')
  const first = await studio.runEvents({ plugins: ['hello-world'], events: [events[0]] })
  assert.equal(first.reloaded, true)
  assert.equal(first.setup[0].error, null)
  assert.equal(first.results[0].output?.properties?.greeting, 'Hello from Plugin Studio')
  assert.equal((await studio.runEvents({ plugins: ['hello-world'], events: [events[0]] })).reloaded, false)

  const source = await studio.readFile('hello-world/index.ts')
  await studio.writeFile('hello-world/index.ts', source.content.replace('greeting: config.greeting', "greeting: config.greeting + '!'"), { expectedVersion: source.version })
  const afterSave = await studio.runEvents({ plugins: ['hello-world'], events: [events[0]] })
  assert.equal(afterSave.reloaded, true)
  assert.equal(afterSave.results[0].output?.properties?.greeting, 'Hello from Plugin Studio!')

  await studio.setConfig('hello-world', { greeting: 'Hi' })
  assert.deepEqual((await studio.getConfig('hello-world')).values, { greeting: 'Hi' })
  const afterConfig = await studio.runEvents({ plugins: ['hello-world'], events: [events[0]] })
  assert.equal(afterConfig.reloaded, true)
  assert.equal(afterConfig.results[0].output?.properties?.greeting, 'Hi!')
})

test('an outside edit is reported and reloads the pipeline; settings changes too', async (t) => {
  const { studio, dir, seen } = await setup(t)
  const { events } = await studio.readEventFile('sample:feature-flag-called.json')
  await studio.runEvents({ plugins: ['hello-world'], events: [events[0]] })
  const file = path.join(dir, 'hello-world', 'index.ts')
  await writeFile(file, (await readFile(file, 'utf8')).replace('greeting: config.greeting', "greeting: 'from outside'"))
  await until(() => seen.some((e) => e.name === 'fileChanged'), 'the fileChanged event')
  assert.deepEqual(seen.find((e) => e.name === 'fileChanged')?.payload, { path: 'hello-world/index.ts', kind: 'changed', version: (await studio.readFile('hello-world/index.ts')).version, plugin: 'hello-world' })
  const run = await studio.runEvents({ plugins: ['hello-world'], events: [events[0]] })
  assert.equal(run.reloaded, true)
  assert.equal(run.results[0].output?.properties?.greeting, 'from outside')

  const settings = await studio.updateSettings({ runtime: { timeoutMs: 2000 } })
  assert.equal(settings.runtime.timeoutMs, 2000)
  assert.ok(seen.some((e) => e.name === 'settingsChanged'))
  assert.equal((await studio.runEvents({ plugins: ['hello-world'], events: [events[0]] })).reloaded, true)
  assert.equal(seen.filter((e) => e.name === 'settingsChanged').length, 1, 'our own settings write is not echoed')

  // settings.json edited by hand: re-read, announced, and the pipeline reloads with it.
  await writeFile(path.join(dir, '.plugin-studio', 'settings.json'), JSON.stringify({ runtime: { timeoutMs: 3000 } }))
  await until(() => seen.filter((e) => e.name === 'settingsChanged').length === 2, 'settingsChanged after a hand edit')
  assert.equal((await studio.getSettings()).runtime.timeoutMs, 3000)
  assert.ok(!seen.some((e) => e.name === 'fileChanged' && (e.payload as { path: string }).path.startsWith('.plugin-studio')))
})

test('new plugin from a template: listed, runnable, and its folder refused when taken', async (t) => {
  const { studio } = await setup(t)
  assert.deepEqual((await studio.listTemplates()).map((x) => x.id), ['enrichment', 'filter', 'exporter', 'scheduled'])
  const created = await studio.createPlugin({ name: 'Drop Bots', template: 'filter', language: 'js' })
  assert.equal(created.id, 'drop-bots')
  assert.equal(created.entry, 'drop-bots/index.js')
  assert.deepEqual((await studio.listFiles('drop-bots')).map((f) => f.path).sort(), ['drop-bots/README.md', 'drop-bots/index.js', 'drop-bots/index.test.js', 'drop-bots/package.json', 'drop-bots/plugin.json'])
  await assert.rejects(studio.createPlugin({ name: 'Drop Bots', template: 'filter', language: 'js' }), /already exists/)
  await assert.rejects(studio.createPlugin({ name: 'x', template: 'filter', language: 'js', folder: '../escape' }), { name: 'PathError' })
  const { events } = await studio.readEventFile('sample:feature-flag-called.json')
  const run = await studio.runEvents({ plugins: ['drop-bots', 'hello-world'], events: [events[0]] })
  assert.deepEqual(run.setup.map((s) => s.error), [null, null])
  assert.equal(run.results[0].output, null, 'the filter drops $feature_flag_called by default')
  await assert.rejects(studio.runEvents({ plugins: ['nope'], events: [events[0]] }), /not a plugin folder|does not exist/)
})

test('publishing is served by the same object: accounts without tokens, resolved plugins', async (t) => {
  const { studio } = await setup(t)
  assert.deepEqual(await studio.secretsStatus(), { store: 'keychain', message: null })
  assert.deepEqual(await studio.publishAccount('npm', 'https://registry.npmjs.org/'), { signedIn: false, masked: '', source: null })
  const prepared = await studio.npmPrepare('hello-world', { registry: 'http://127.0.0.1:9/' })
  assert.equal(prepared.ok, true, JSON.stringify(prepared))
  if (prepared.ok) {
    // Templates are publishable as made: only the unreachable registry (port 9) is a warning.
    assert.deepEqual(prepared.result.checks.filter((c) => c.status !== 'pass').map((c) => c.id), ['not-published'])
    assert.equal(prepared.result.preview?.name, 'posthog-hello-world')
  }
  const unknown = await studio.npmPrepare('nope')
  assert.equal(unknown.ok, false)
})

test('a runtime crash is reported, and the next run works on a fresh runtime', async (t) => {
  const root = await mkdtemp(path.join(os.tmpdir(), 'studio-crash-'))
  const dir = path.join(root, 'workspace')
  await ensureDefaultWorkspace(dir, SAMPLES)
  let runner: Runner | undefined
  const studio = new StudioService({
    workspace: await Workspace.open(dir),
    sampleEventsDir: SAMPLES,
    secrets: new SecretsService(new SessionSecretStore()),
    startRunner: async (onCrash) => (runner = await Runner.start({ onCrash })),
  })
  const seen: (keyof StudioEvents)[] = []
  studio.subscribe((name) => seen.push(name))
  t.after(async () => {
    await studio.dispose()
    await rm(root, { recursive: true, force: true })
  })
  const { events } = await studio.readEventFile('sample:feature-flag-called.json')
  await studio.runEvents({ plugins: ['hello-world'], events: [events[0]] })
  assert.ok(runner?.pid)
  process.kill(runner.pid, 'SIGKILL')
  await until(() => seen.includes('runtimeCrashed'), 'the runtimeCrashed event')
  const again = await studio.runEvents({ plugins: ['hello-world'], events: [events[0]] })
  assert.equal(again.reloaded, true)
  assert.equal(again.results[0].output?.properties?.greeting, 'Hello from Plugin Studio')
  assert.ok(seen.includes('runtimeRestarted'))
})

test("the workspace's network setting is the runtime's fetch policy", async (t) => {
  const server = createServer((_req, res) => res.end('pong')).listen(0, '127.0.0.1')
  await new Promise((r) => server.once('listening', r))
  const port = (server.address() as { port: number }).port
  t.after(() => new Promise<void>((r) => server.close(() => r())))
  const { studio, dir } = await setup(t)
  const plugin = path.join(dir, 'fetcher')
  await mkdir(plugin)
  await writeFile(path.join(plugin, 'plugin.json'), JSON.stringify({ name: 'Fetcher', config: [{ key: 'url', type: 'string', default: `http://127.0.0.1:${port}/ping` }] }))
  await writeFile(path.join(plugin, 'index.js'), await readFile(path.join(import.meta.dirname, '..', '..', 'runtime', 'fixtures', 'fetcher', 'index.js'), 'utf8'))
  const { events } = await studio.readEventFile('sample:feature-flag-called.json')
  const fetched = async () => (await studio.runEvents({ plugins: ['fetcher'], events: [events[0]] })).results[0].output?.properties ?? {}

  // Allow all public hosts: the studio's own loopback stays refused, naming the setting.
  assert.match(String((await fetched()).fetchError), /allowHosts/)
  await studio.updateSettings({ network: { mode: 'allow-list', hosts: [`127.0.0.1:${port}`] } })
  const allowed = await fetched()
  assert.equal(allowed.fetched, 200)
  assert.equal(allowed.body, 'pong')
  await studio.updateSettings({ network: { mode: 'deny-all' } })
  assert.ok((await fetched()).fetchError, 'deny-all refuses every request')
})
