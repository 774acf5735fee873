import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, test } from 'node:test'
import { pathToFileURL } from 'node:url'
import { createStorageStore, STORAGE_KEY_MAX_LENGTH, storageFileName } from './storage-store.ts'

const root = mkdtempSync(join(tmpdir(), 'storage-store-test-'))
after(() => rmSync(root, { recursive: true, force: true }))
let folders = 0
const freshDir = () => join(root, `d${++folders}`)

const STORE_URL = pathToFileURL(join(import.meta.dirname, 'storage-store.ts')).href

/** Runs `body` in a fresh Node process with createStorageStore in scope; returns its stdout. */
function inChild(body: string, prelude = ''): { status: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string } {
  const code = `${prelude}\nconst { createStorageStore } = await import(${JSON.stringify(STORE_URL)})\n${body}`
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', code], { encoding: 'utf8', timeout: 20_000 })
  return { status: result.status, signal: result.signal, stdout: result.stdout, stderr: result.stderr }
}

for (const mode of ['in memory', 'on disk'] as const) {
  describe(`meta.storage ${mode}`, () => {
    const open = (pluginConfigId = 'cfg') => createStorageStore({ pluginConfigId, dir: mode === 'on disk' ? freshDir() : undefined })

    test('get gives the stored JSON value, or the default when absent', async () => {
      const storage = open()
      assert.equal(await storage.get('missing', 'dflt'), 'dflt')
      assert.equal(await storage.get('missing', undefined), undefined)
      for (const [key, value] of [['o', { a: [1, { b: 'c' }] }], ['n', 0], ['s', ''], ['f', false], ['arr', []]] as const) {
        await storage.set(key, value)
        assert.deepEqual(await storage.get(key, 'dflt'), value)
      }
    })

    test("null is stored as 'null' and read back as null, not the default", async () => {
      const storage = open()
      await storage.set('k', null)
      assert.equal(await storage.get('k', 'dflt'), null)
      assert.deepEqual(await storage.snapshot(), [{ key: 'k', value: null }])
    })

    test('set(undefined) and del remove the key', async () => {
      const storage = open()
      await storage.set('a', 1)
      await storage.set('b', 2)
      await storage.set('a', undefined)
      await storage.del('b')
      await storage.del('never-there')
      assert.equal(await storage.get('a', 'gone'), 'gone')
      assert.equal(await storage.get('b', 'gone'), 'gone')
    })

    test('keys are limited to 200 characters, like PostHog varchar(200)', async () => {
      const storage = open()
      const longest = 'k'.repeat(STORAGE_KEY_MAX_LENGTH)
      await storage.set(longest, 1)
      assert.equal(await storage.get(longest, null), 1)
      await assert.rejects(storage.set(`${longest}x`, 1), { message: "storage key is 201 characters long; the maximum is 200 (PostHog's varchar(200))" })
      assert.equal(await storage.get(`${longest}x`, 'absent'), 'absent')
    })

    test('values without a JSON form are refused', async () => {
      const storage = open()
      await assert.rejects(storage.set('fn', () => 1), /has no JSON form/)
      await assert.rejects(storage.set('big', 10n), TypeError)
    })

    test('snapshot is sorted by key; clear empties', async () => {
      const storage = open()
      await storage.set('b', { x: 1 })
      await storage.set('a', 'one')
      assert.deepEqual(await storage.snapshot(), [
        { key: 'a', value: 'one' },
        { key: 'b', value: { x: 1 } },
      ])
      await storage.clear()
      assert.deepEqual(await storage.snapshot(), [])
      assert.equal(await storage.get('a', 'gone'), 'gone')
    })

    test('configs are separate', async () => {
      const dir = mode === 'on disk' ? freshDir() : undefined
      const one = createStorageStore({ dir, pluginConfigId: '1' })
      const two = createStorageStore({ dir, pluginConfigId: '2' })
      await one.set('k', 'one')
      assert.equal(await two.get('k', null), null)
    })
  })
}

describe('meta.storage persistence', () => {
  test('one JSON file per config; two stores of one config share it; another process reads it', async () => {
    const dir = freshDir()
    const first = createStorageStore({ dir, pluginConfigId: 'cfg/1' })
    const second = createStorageStore({ dir, pluginConfigId: 'cfg/1' })
    await first.set('greeting', { hello: 'world' })
    await first.set('nothing', null)
    assert.deepEqual(await second.get('greeting', null), { hello: 'world' })
    assert.equal(first.file, join(dir, 'storage-cfg%2F1.json'))
    assert.deepEqual(readdirSync(dir), ['storage-cfg%2F1.json'])
    const onDisk = JSON.parse(readFileSync(first.file as string, 'utf8'))
    assert.deepEqual(onDisk, { pluginConfigId: 'cfg/1', entries: { greeting: '{"hello":"world"}', nothing: 'null' } })

    const child = inChild(`const s = createStorageStore({ dir: ${JSON.stringify(dir)}, pluginConfigId: 'cfg/1' })
      console.log(JSON.stringify([await s.get('greeting', 'dflt'), await s.get('nothing', 'dflt'), await s.get('absent', 'dflt')]))
      await s.set('fromChild', 42)`)
    assert.equal(child.status, 0, child.stderr)
    assert.deepEqual(JSON.parse(child.stdout), [{ hello: 'world' }, null, 'dflt'])
    assert.equal(JSON.parse(readFileSync(first.file as string, 'utf8')).entries.fromChild, '42')
  })

  test('concurrent sets are all written, one file write at a time', async () => {
    const dir = freshDir()
    const storage = createStorageStore({ dir, pluginConfigId: 'busy' })
    await Promise.all(Array.from({ length: 50 }, (_, i) => storage.set(`k${i}`, i)))
    const entries = JSON.parse(readFileSync(storage.file as string, 'utf8')).entries
    assert.equal(Object.keys(entries).length, 50)
    assert.equal(entries.k49, '49')
    assert.deepEqual(readdirSync(dir), ['storage-busy.json'], 'no temp files left behind')
  })

  test('a crash in the middle of a write leaves the old file intact', async () => {
    const dir = freshDir()
    const before = createStorageStore({ dir, pluginConfigId: 'crash' })
    await before.set('kept', 'old value')
    const file = before.file as string
    const original = readFileSync(file, 'utf8')

    // The child writes half of the temp file, syncs it, and is SIGKILLed: a crash mid-write.
    const crash = inChild(
      `const s = createStorageStore({ dir: ${JSON.stringify(dir)}, pluginConfigId: 'crash' })
       await s.set('kept', 'new value ' + 'x'.repeat(100000))
       console.log('the write finished: the crash did not happen')`,
      `import fsp from 'node:fs/promises'
       import { syncBuiltinESMExports } from 'node:module'
       const realOpen = fsp.open
       fsp.open = async (...args) => {
         const handle = await realOpen(...args)
         if (String(args[0]).endsWith('.tmp')) {
           handle.writeFile = async (text) => {
             await handle.write(text.slice(0, text.length >> 1))
             await handle.sync()
             process.kill(process.pid, 'SIGKILL')
             await new Promise(() => {})
           }
         }
         return handle
       }
       syncBuiltinESMExports()`,
    )
    assert.equal(crash.signal, 'SIGKILL', `${crash.stdout}${crash.stderr}`)
    const leftovers = readdirSync(dir).filter((name) => name.endsWith('.tmp'))
    assert.equal(leftovers.length, 1, 'the half-written temp file is there')
    assert.equal(readFileSync(file, 'utf8'), original, 'the storage file is untouched')

    const reader = inChild(`const s = createStorageStore({ dir: ${JSON.stringify(dir)}, pluginConfigId: 'crash' })
      console.log(JSON.stringify(await s.get('kept', null)))`)
    assert.equal(reader.status, 0, reader.stderr)
    assert.equal(JSON.parse(reader.stdout), 'old value')
    assert.deepEqual(readdirSync(dir), [storageFileName('crash')], 'loading removed the stale temp file')
  })

  test('a damaged file is reported with its path, not overwritten', async () => {
    const dir = freshDir()
    const storage = createStorageStore({ dir, pluginConfigId: 'bad' })
    mkdirSync(dir)
    writeFileSync(storage.file as string, '{"entries": {"a": ')
    await assert.rejects(storage.get('a', null), (error: Error) => error.message.startsWith(`Plugin storage file ${storage.file} is not valid JSON`))
    await assert.rejects(storage.set('a', 1), /is not valid JSON/)
    assert.equal(readFileSync(storage.file as string, 'utf8'), '{"entries": {"a": ')
  })

  test('a folder that cannot be created is reported', async () => {
    const blocker = join(freshDir() + '-file')
    writeFileSync(blocker, 'not a folder')
    const storage = createStorageStore({ dir: blocker, pluginConfigId: 'x' })
    await assert.rejects(storage.set('a', 1), /Cannot (create the plugin storage folder|read plugin storage file)/)
  })

  test('config ids become safe file names', () => {
    assert.equal(storageFileName('42'), 'storage-42.json')
    assert.equal(storageFileName('../../etc'), 'storage-%2E%2E%2F%2E%2E%2Fetc.json')
    assert.equal(storageFileName('é'), 'storage-%C3%A9.json')
    assert.throws(() => storageFileName(''), /must not be empty/)
  })
})
