// Every way a real plugin is written loads and runs, through the real runtime process.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Runner } from './runner.ts'
import { loadFixtures, makeEvent } from './test-fixtures.ts'

let runner: Runner
before(async () => {
  runner = await Runner.start()
})
after(async () => {
  await runner?.close()
})

async function runOne(fixture: string, event = makeEvent()) {
  const load = await loadFixtures(runner, [fixture])
  assert.equal(load.setup[0].error, null, `load of ${fixture} failed: ${load.setup[0].error}`)
  const [result] = await runner.processEvents([event])
  return result
}

test('ESM TypeScript with config defaults, setupPlugin and meta.global', async () => {
  const load = await loadFixtures(runner, [{ id: 'esm', dir: (await import('./test-fixtures.ts')).fixtureDir('esm-enrich'), config: { suffix: '!' }, attachments: {} }])
  assert.equal(load.setup[0].name, 'ESM enrich')
  assert.deepEqual(load.setup[0].capabilities.methods, ['setupPlugin', 'processEvent'])
  const [r] = await runner.processEvents([makeEvent()])
  assert.equal(r.output?.properties?.greeting, 'hello!')
})

test('CommonJS module.exports in .js gets meta as the last argument', async () => {
  const r = await runOne('cjs-module-exports')
  assert.equal(r.output?.properties?.style, 'cjs')
  assert.equal(r.output?.properties?.lastArgIsMeta, true)
})

test('module.exports = plugin in a .ts file', async () => {
  assert.equal((await runOne('ts-module-exports')).output?.properties?.style, 'ts-module-exports')
})

test('export default pluginObject', async () => {
  assert.equal((await runOne('export-default')).output?.properties?.style, 'export-default')
})

test('top-level functions without exports are found on the global object, in strict mode', async () => {
  const r = await runOne('globals-only')
  assert.equal(r.output?.properties?.style, 'globals')
  assert.equal(r.output?.properties?.strict, true)
})

test('plugin.json main picks the entry over index.js', async () => {
  assert.equal((await runOne('main-field')).output?.properties?.style, 'main-field')
})

test('a prebuilt bundle named as main runs as it is', async () => {
  assert.equal((await runOne('prebuilt-bundle', makeEvent({ event: 'signup' }))).output?.properties?.shouted, 'SIGNUP!')
})

test('processEventBatch-only plugins get processEvent, as PostHog synthesises it', async () => {
  const load = await loadFixtures(runner, ['batch-only'])
  assert.ok(load.setup[0].capabilities.methods.includes('processEvent'))
  const [r] = await runner.processEvents([makeEvent()])
  assert.equal(r.output?.properties?.batched, 1)
})

test('type-only imports are elided before the allow-list and type errors do not stop loading', async () => {
  assert.equal((await runOne('type-only-import')).output?.properties?.typed, 'string')
})

test("an import outside PostHog's allow-list fails the load with PostHog's text", async () => {
  const load = await loadFixtures(runner, ['forbidden-import'])
  assert.equal(load.setup[0].error, "/index.ts: Cannot import 'fs'! This package is not provided by PostHog in plugins.")
  assert.equal(load.setup[0].setup, 'failed')
  const [r] = await runner.processEvents([makeEvent()])
  assert.deepEqual(r.output, r.input, 'a plugin that failed to load leaves events untouched')
})

test('relative imports are refused like any other name (only one file is loaded)', async () => {
  const load = await loadFixtures(runner, ['relative-import'])
  assert.match(load.setup[0].error ?? '', /Cannot import '\.\/helper'! This package is not provided by PostHog in plugins\./)
})

test('a folder without plugin.json gives one clear error naming the file', async () => {
  const load = await runner.load({ plugins: [{ id: 'nope', dir: '/nonexistent/plugin', config: {}, attachments: {} }], options: { timeoutMs: 1000, memoryMb: 32, teamId: 2 } })
  assert.equal(load.setup[0].error, '/nonexistent/plugin/plugin.json: no plugin.json in this folder')
})

test('a plugin.json that is not a regular file (a FIFO) fails its load clearly and does not block the runtime', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'fifo-plugin-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  execFileSync('mkfifo', [join(dir, 'plugin.json')])
  const load = await runner.load({ plugins: [{ id: 'fifo', dir, config: {}, attachments: {} }], options: { timeoutMs: 1000, memoryMb: 32, teamId: 2 } })
  assert.equal(load.setup[0].error, `${join(dir, 'plugin.json')}: plugin.json is not a file`)
  const [r] = await runner.processEvents([makeEvent()])
  assert.deepEqual(r.output, r.input)
})

test('allowed packages the studio cannot run load, and fail clearly when used', async () => {
  const load = await loadFixtures(runner, ['unavailable-import'])
  assert.equal(load.setup[0].error, null)
  const [ok, used] = await runner.processEvents([makeEvent(), makeEvent({ event: 'use-pg' })])
  assert.equal(ok.output?.properties?.loaded, true)
  assert.match(used.error ?? '', /Plugin Studio does not provide an implementation of 'pg' \(constructed new pg\.Client\(\)\)/)
})

test('errors point at the line of the original TypeScript file', async () => {
  await loadFixtures(runner, ['stack-trace'])
  const [r] = await runner.processEvents([makeEvent()])
  assert.equal(r.error, 'Error: helper failed with 2')
  const log = r.logs.find((l) => l.source === 'PLUGIN')
  assert.ok(log, 'the error is logged as PostHog logs it')
  assert.match(log.message, /at helper \(index\.ts:5:11\)/)
  assert.match(log.message, /at processEvent \(index\.ts:11:28\)/)
})
