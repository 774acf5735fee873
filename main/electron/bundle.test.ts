// The built desktop bundle (out/electron/main.cjs), started under plain Node with a stand-in
// 'electron': proves the bundle resolves its files (templates, runtime, samples) from the app
// folder as a packaged app would, and that a sandboxed-preload-style call runs a plugin end to end.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import path from 'node:path'
import os from 'node:os'
import { spawn, spawnSync } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'

const ROOT = path.join(import.meta.dirname, '..', '..')

const HOST = `
const Module = require('node:module')
const { EventEmitter } = require('node:events')
const handlers = new Map()
const sent = []
const fake = {
  app: { whenReady: async () => {}, on() {}, quit() {}, exit(code) { process.exit(code) }, enableSandbox() {}, requestSingleInstanceLock: () => true, getName: () => 'Plugin Studio', getAppPath: () => process.env.APP_ROOT, isPackaged: false },
  BrowserWindow: class extends EventEmitter {
    constructor(options) { super(); this.options = options; this.webContents = Object.assign(new EventEmitter(), { id: 1, send: (...args) => sent.push(args), isDestroyed: () => false, setWindowOpenHandler() {} }) }
    async loadURL(url) { this.url = url }
    show() {} focus() {} isDestroyed() { return false }
  },
  ipcMain: { handle: (channel, handler) => handlers.set(channel, handler) },
  Menu: { buildFromTemplate: (template) => template, setApplicationMenu() {} },
  protocol: { registerSchemesAsPrivileged() {}, handle() {} },
  session: { defaultSession: { setPermissionRequestHandler() {}, webRequest: { onBeforeRequest() {} } } },
  dialog: { showErrorBox: (title, message) => { console.error(title + ': ' + message); process.exit(2) } },
}
const load = Module._load
Module._load = function (request, ...rest) { return request === 'electron' ? fake : load.call(this, request, ...rest) }
process.argv = [process.argv[0], process.env.APP_ROOT]
require(process.env.MAIN_BUNDLE)
const call = async (method, params) => {
  for (let i = 0; i < 100 && !handlers.has('studio:invoke'); i++) await new Promise((r) => setTimeout(r, 20))
  return handlers.get('studio:invoke')({ sender: { id: 1 }, senderFrame: { url: 'app://studio/electron.html', parent: null } }, method, params)
}
;(async () => {
  const created = await call('createPlugin', [{ name: 'Bundled', template: 'enrichment', language: 'js' }])
  const files = await call('listEventFiles', [])
  const sample = await call('readEventFile', [files.result.find((f) => f.source === 'sample').id])
  const run = await call('runEvents', [{ plugins: ['bundled'], events: sample.result.events.slice(0, 1) }])
  const foreign = await handlers.get('studio:invoke')({ sender: { id: 1 }, senderFrame: { url: 'https://evil.example/', parent: null } }, 'listPlugins', [])
  process.stdout.write(JSON.stringify({ created, files: files.result.length, run, foreign, events: sent.map((s) => s[1]) }))
  process.exit(0)
})().catch((error) => { console.error(error); process.exit(1) })
`

test('the built desktop bundle serves the studio and runs a plugin (stand-in electron)', async (t) => {
  // The build script skips the bundle when it is newer than its sources.
  const build = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'build.ts'), '--electron'], { encoding: 'utf8' })
  assert.equal(build.status, 0, build.stderr)
  const dir = await mkdtemp(path.join(os.tmpdir(), 'bundle-test-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  const host = path.join(dir, 'host.cjs')
  await writeFile(host, HOST)
  const output = await new Promise<string>((resolve, reject) => {
    const child = spawn(process.execPath, [host], {
      env: { ...process.env, APP_ROOT: ROOT, MAIN_BUNDLE: path.join(ROOT, 'out', 'electron', 'main.cjs'), PLUGIN_STUDIO_WORKSPACE: dir },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk) => (stdout += chunk))
    child.stderr.on('data', (chunk) => (stderr += chunk))
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000)
    child.on('exit', (code) => {
      clearTimeout(timer)
      if (code === 0) resolve(stdout)
      else reject(new Error(`exit ${code}: ${stderr}`))
    })
  })
  const result = JSON.parse(output)
  assert.equal(result.created.result.id, 'bundled')
  assert.ok(result.files > 0)
  assert.equal(result.run.result.setup[0].error, null)
  assert.equal(result.run.result.results[0].output.properties.plugin_tag, 'enriched')
  assert.equal(result.foreign.error.name, 'SecurityError')
  assert.ok(result.events.includes('runtimeLog'))
})
