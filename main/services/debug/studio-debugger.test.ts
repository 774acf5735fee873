// The studio's breakpoints over a real runtime: stored per workspace, the pipeline reloaded in debug
// mode, pauses relayed with workspace paths, and the Chrome DevTools endpoint (127.0.0.1, a token in
// the path, CDP relayed to its own session on the plugin's isolate).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import path from 'node:path'
import os from 'node:os'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import WebSocket from 'ws'
import type { StudioPaused } from '../../../common/protocol/debug.ts'
import { Runner } from '../runner/runner.ts'
import { makeEvent } from '../runner/test-fixtures.ts'
import { SecretsService } from '../secrets/secrets-service.ts'
import { SessionSecretStore } from '../secrets/session-store.ts'
import { StudioService } from '../studio-service.ts'
import { Workspace } from '../workspace/workspace.ts'

const EVENT = makeEvent({ event: 'pageview', distinct_id: 'u1', properties: {} })

const CODE = `export function processEvent(event) {
  const doubled = event.event + event.event
  event.properties = { ...event.properties, doubled }
  return event
}
`

async function setup(t: { after(fn: () => Promise<void>): void }) {
  const root = await mkdtemp(path.join(os.tmpdir(), 'studio-debug-'))
  const dir = path.join(root, 'workspace')
  await mkdir(path.join(dir, 'doubler'), { recursive: true })
  await writeFile(path.join(dir, 'doubler', 'plugin.json'), JSON.stringify({ name: 'Doubler', main: 'index.js', config: [] }))
  await writeFile(path.join(dir, 'doubler', 'index.js'), CODE)
  const studio = new StudioService({ workspace: await Workspace.open(dir), sampleEventsDir: null, secrets: new SecretsService(new SessionSecretStore()), startRunner: (onCrash) => Runner.start({ onCrash }) })
  const pauses: StudioPaused[] = []
  const waiters: ((p: StudioPaused) => void)[] = []
  studio.subscribe((name, payload) => {
    if (name !== 'debugPaused') return
    pauses.push(payload as StudioPaused)
    waiters.shift()?.(payload as StudioPaused)
  })
  const nextPause = () => new Promise<StudioPaused>((resolve) => waiters.push(resolve))
  t.after(async () => {
    await studio.dispose()
    await rm(root, { recursive: true, force: true })
  })
  return { studio, dir, nextPause }
}

test('breakpoints are kept in the workspace and a run pauses at one, with workspace paths', async (t) => {
  const { studio, dir, nextPause } = await setup(t)
  await studio.runEvents({ plugins: ['doubler'], events: [EVENT] })
  const placed = await studio.debugSetBreakpoints([{ file: 'doubler/index.js', line: 2 }])
  assert.deepEqual(placed, [{ file: 'doubler/index.js', line: 2, verified: false }], 'not placed until the pipeline reloads in debug mode')
  assert.deepEqual(JSON.parse(await readFile(path.join(dir, '.plugin-studio', 'breakpoints.json'), 'utf8')), [{ file: 'doubler/index.js', line: 2 }])
  await assert.rejects(studio.debugSetBreakpoints([{ file: '../outside.js', line: 1 }]), /not inside the workspace/)

  const paused = nextPause()
  const run = studio.runEvents({ plugins: ['doubler'], events: [EVENT] })
  const p = await paused
  assert.deepEqual([p.plugin, p.callFrames[0].file, p.callFrames[0].line], ['doubler', 'doubler/index.js', 2])
  assert.deepEqual((await studio.debugGetBreakpoints()).map((b) => [b.file, b.line, b.verified]), [['doubler/index.js', 2, true]])
  const value = await studio.debugEvaluate(p.callFrames[0].id, 'event.event.toUpperCase()')
  assert.deepEqual(value, { value: { type: 'string', value: 'PAGEVIEW' } })
  await studio.debugCommand('resume')
  const outcome = await run
  assert.equal(outcome.reloaded, true)
  assert.equal(outcome.results[0].output?.properties?.doubled, 'pageviewpageview')
})

test('a Pause sent right after a Step that must reload the pipeline first pauses that Step\'s call', async (t) => {
  const { studio, dir, nextPause } = await setup(t)
  await mkdir(path.join(dir, 'looper'), { recursive: true })
  await writeFile(path.join(dir, 'looper', 'plugin.json'), JSON.stringify({ name: 'Looper', main: 'index.js', config: [] }))
  await writeFile(
    path.join(dir, 'looper', 'index.js'),
    `export function processEvent(event) {
  const until = Date.now() + 1500
  let spins = 0
  while (Date.now() < until) spins++
  event.properties = { ...event.properties, spins }
  return event
}
function neverCalled() {
  return 1
}
`,
  )
  // A breakpoint no event reaches keeps the studio in debug mode, which Pause needs.
  await studio.debugSetBreakpoints([{ file: 'looper/index.js', line: 9 }])
  const paused = nextPause()
  // No pipeline is loaded yet: the run loads it (in debug mode) before its event reaches the runtime.
  const run = studio.runEvents({ plugins: ['looper'], events: [EVENT] })
  await studio.debugCommand('pause')
  const p = await paused
  // Inside processEvent: at its first statement when the Pause was there before the call began.
  assert.equal(p.callFrames[0].file, 'looper/index.js')
  assert.ok(p.callFrames[0].line >= 2 && p.callFrames[0].line <= 4, `paused in processEvent, not at line ${p.callFrames[0].line}`)
  await studio.debugCommand('resume')
  const outcome = await run
  assert.equal(typeof outcome.results[0].output?.properties?.spins, 'number')
})

test('the DevTools endpoint listens on 127.0.0.1 with a token and relays CDP to the plugin isolate', async (t) => {
  const { studio } = await setup(t)
  await studio.debugSetBreakpoints([{ file: 'doubler/index.js', line: 3 }])
  await studio.runEvents({ plugins: ['doubler'], events: [] })
  const { url, ws, plugin } = await studio.debugDevtools()
  assert.equal(plugin, 'doubler')
  assert.match(ws, /^127\.0\.0\.1:\d+\/[\w-]{32}$/)
  assert.equal(url, `devtools://devtools/bundled/inspector.html?ws=${ws}`)

  const port = ws.split(':')[1].split('/')[0]
  const refused = new WebSocket(`ws://127.0.0.1:${port}/wrong-token`)
  const status = await new Promise<number>((resolve) => refused.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)).on('error', () => resolve(-1)))
  assert.equal(status, 401)

  const socket = new WebSocket(`ws://${ws}`)
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject))
  const answer = new Promise<{ id: number; result: { result: { value: unknown } } }>((resolve) =>
    socket.on('message', (data) => {
      const message = JSON.parse(String(data)) as { id?: number }
      if (message.id === 7) resolve(message as { id: number; result: { result: { value: unknown } } })
    }),
  )
  // As DevTools starts: Runtime.enable names the contexts (the plugin's is the one that is not the isolate's default).
  const contexts: { id: number; name: string }[] = []
  socket.on('message', (data) => {
    const message = JSON.parse(String(data)) as { method?: string; params?: { context: { id: number; name: string } } }
    if (message.method === 'Runtime.executionContextCreated') contexts.push(message.params!.context)
  })
  socket.send(JSON.stringify({ id: 6, method: 'Runtime.enable' }))
  while (contexts.length < 2) await new Promise((r) => setTimeout(r, 20))
  const contextId = contexts.find((c) => c.name !== 'default')?.id ?? contexts[contexts.length - 1].id
  socket.send(JSON.stringify({ id: 7, method: 'Runtime.evaluate', params: { expression: 'String(6 * 7)', contextId } }))
  const got = await answer
  assert.equal(got.result?.result?.value, '42', JSON.stringify(got))
  // Its Debugger sees the plugin's script.
  const scripts: string[] = []
  socket.on('message', (data) => {
    const message = JSON.parse(String(data)) as { method?: string; params?: { url: string } }
    if (message.method === 'Debugger.scriptParsed') scripts.push(message.params!.url)
  })
  socket.send(JSON.stringify({ id: 8, method: 'Debugger.enable' }))
  while (!scripts.includes('plugin-1.js')) await new Promise((r) => setTimeout(r, 20))
  socket.close()
})
