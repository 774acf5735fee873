import { test } from 'node:test'
import assert from 'node:assert/strict'
import path from 'node:path'
import os from 'node:os'
import { mkdtemp, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import { SettingsStore } from './settings-store.ts'
import { defaultSettings } from './settings-schema.ts'

async function tempDir(t: { after(fn: () => Promise<void>): void }) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'settings-test-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  return dir
}

test('defaults without a file; updates are validated, stored atomically and read back', async (t) => {
  const dir = await tempDir(t)
  const store = new SettingsStore(dir)
  assert.deepEqual(await store.get(), defaultSettings())
  const updated = await store.update({ runtime: { timeoutMs: 5000 }, redisUrl: 'redis://127.0.0.1:6379', network: { mode: 'allow-list', hosts: ['API.example.com', '*.posthog.com'] } })
  assert.equal(updated.runtime.timeoutMs, 5000)
  assert.equal(updated.runtime.memoryMb, 128)
  assert.deepEqual(updated.network, { mode: 'allow-list', hosts: ['api.example.com', '*.posthog.com'] })
  assert.deepEqual(await new SettingsStore(dir).get(), updated)
  assert.deepEqual(await readdir(path.join(dir, '.plugin-studio')), ['settings.json'])
})

test('invalid updates name the field and change nothing', async (t) => {
  const dir = await tempDir(t)
  const store = new SettingsStore(dir)
  await assert.rejects(store.update({ runtime: { timeoutMs: 5 } }), /runtime\.timeoutMs must be between 100 and 600000/)
  await assert.rejects(store.update({ runtime: { memoryMb: 1.5 } }), /runtime\.memoryMb must be a whole number/)
  await assert.rejects(store.update({ redisUrl: 'http://x' }), /redisUrl must start with redis:\/\//)
  await assert.rejects(store.update({ network: { mode: 'allow-list', hosts: ['not a host'] } }), /network\.hosts\[0\]/)
  await assert.rejects(store.update({ colour: 'red' } as never), /Unknown setting "colour"/)
  await assert.rejects(readFile(store.file), { code: 'ENOENT' })
})

test('a broken settings file is an error naming the file', async (t) => {
  const dir = await tempDir(t)
  await mkdir(path.join(dir, '.plugin-studio'))
  await writeFile(path.join(dir, '.plugin-studio', 'settings.json'), '{"runtime": {"memoryMb": 1}}')
  await assert.rejects(new SettingsStore(dir).get(), /settings\.json: runtime\.memoryMb must be between 8 and 4096/)
})
