// Saving when the disk says no: a full disk, a read-only folder, a failure at any step of the atomic
// write. Failures are injected at the write layer (tests often run as root, where chmod restricts
// nothing). Each time: the user's last good file is intact, no temp file is left, the error names the file.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import path from 'node:path'
import os from 'node:os'
import { chmod, mkdtemp, mkdir, open, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { Workspace } from './workspace.ts'
import { nodeWriteLayer, type WriteLayer } from './atomic-write.ts'

const GOOD = 'export function processEvent(event) {\n  return event // the last good version\n}\n'

async function tempWorkspace(t: { after(fn: () => Promise<void>): void }, writeLayer?: WriteLayer) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ws-fail-'))
  t.after(async () => {
    await chmod(path.join(dir, 'hello'), 0o755).catch(() => {})
    await rm(dir, { recursive: true, force: true })
  })
  await mkdir(path.join(dir, 'hello'))
  await writeFile(path.join(dir, 'hello', 'plugin.json'), '{"name":"Hello"}')
  await writeFile(path.join(dir, 'hello', 'index.ts'), GOOD)
  return { dir, workspace: await Workspace.open(dir, { writeLayer }) }
}

const errno = (code: string, syscall: string, file: string) => Object.assign(new Error(`${code}: ${syscall} '${file}'`), { code, syscall, path: file })

type Step = 'open' | 'write' | 'sync' | 'close' | 'rename'

/** node:fs, except that `step` fails with `code`; a failing write first writes half the bytes, as a full disk does. */
function failingLayer(step: Step, code: string): WriteLayer {
  return {
    ...nodeWriteLayer,
    async open(file, flags, mode) {
      if (step === 'open') throw errno(code, 'open', file)
      const handle = await open(file, flags, mode)
      return {
        async writeFile(content) {
          if (step !== 'write') return handle.writeFile(content)
          const bytes = typeof content === 'string' ? Buffer.from(content) : content
          await handle.writeFile(bytes.subarray(0, Math.floor(bytes.length / 2)))
          throw errno(code, 'write', file)
        },
        async sync() {
          if (step === 'sync') throw errno(code, 'fsync', file)
          return handle.sync()
        },
        async close() {
          await handle.close()
          if (step === 'close') throw errno(code, 'close', file)
        },
      }
    },
    async rename(from, to) {
      if (step === 'rename') throw errno(code, 'rename', to)
      return nodeWriteLayer.rename(from, to)
    },
  }
}

async function assertUntouched(dir: string) {
  assert.equal(await readFile(path.join(dir, 'hello', 'index.ts'), 'utf8'), GOOD)
  assert.deepEqual((await readdir(path.join(dir, 'hello'))).sort(), ['index.ts', 'plugin.json'], 'a temp file was left behind')
}

const cases: [Step, string, RegExp][] = [
  ['write', 'ENOSPC', /disk is full/],
  ['write', 'EDQUOT', /quota/],
  ['sync', 'ENOSPC', /disk is full/],
  ['sync', 'EIO', /EIO/],
  ['close', 'ENOSPC', /disk is full/],
  ['open', 'ENOSPC', /disk is full/],
  ['open', 'EACCES', /permission denied/],
  ['open', 'EROFS', /read-only file system/],
  ['rename', 'EROFS', /read-only file system/],
  ['rename', 'EPERM', /permission denied/],
]

for (const [step, code, reason] of cases) {
  test(`${code} at ${step} while saving: the last good file is kept, no temp file, the error names the file`, async (t) => {
    const { dir, workspace } = await tempWorkspace(t, failingLayer(step, code))
    const opened = await workspace.readFile('hello/index.ts')
    const newer = `${'// a large edit\n'.repeat(50_000)}export const x = 1\n`
    await assert.rejects(workspace.writeFile('hello/index.ts', newer, { expectedVersion: opened.version }), (error: Error & { code?: string }) => {
      assert.equal(error.name, 'SaveError')
      assert.equal(error.code, code)
      assert.match(error.message, /^Could not save hello\/index\.ts: /)
      assert.match(error.message, reason)
      assert.match(error.message, /left as it was/)
      assert.doesNotMatch(error.message, /plugin-studio-tmp/, 'the error names the temp file instead of the user’s')
      return true
    })
    await assertUntouched(dir)
    // The editor's copy is still the one on disk: a retry once space is back needs no reload.
    assert.equal((await workspace.readFile('hello/index.ts')).version, opened.version)
  })
}

test('a new file in a full disk is not created half-written', async (t) => {
  const { dir, workspace } = await tempWorkspace(t, failingLayer('write', 'ENOSPC'))
  await assert.rejects(workspace.createFile('hello/lib.ts', 'x'.repeat(100_000)), /Could not save hello\/lib\.ts: the disk is full/)
  await assertUntouched(dir)
})

test('a read-only workspace: saving fails with a clear error and the file is unchanged', async (t) => {
  // As root, chmod restricts nothing: then the read-only folder is simulated at the write layer.
  const { dir } = await tempWorkspace(t)
  await chmod(path.join(dir, 'hello'), 0o555)
  const chmodRestricts = await writeFile(path.join(dir, 'hello', '.probe'), '').then(
    async () => (await rm(path.join(dir, 'hello', '.probe')), false),
    () => true,
  )
  const workspace = await Workspace.open(dir, { writeLayer: chmodRestricts ? undefined : failingLayer('open', 'EACCES') })
  const opened = await workspace.readFile('hello/index.ts')
  await assert.rejects(workspace.writeFile('hello/index.ts', 'mine', { expectedVersion: opened.version }), /^SaveError: Could not save hello\/index\.ts: permission denied \(EACCES\); the folder or file is read-only/)
  await chmod(path.join(dir, 'hello'), 0o755)
  await assertUntouched(dir)
  // Once writable again, the same save goes through.
  const fixed = await Workspace.open(dir)
  await fixed.writeFile('hello/index.ts', 'mine', { expectedVersion: opened.version })
  assert.equal(await readFile(path.join(dir, 'hello', 'index.ts'), 'utf8'), 'mine')
})

test('a folder deleted outside the studio: saving into it recreates it; a file deleted outside is saved again', async (t) => {
  const { dir, workspace } = await tempWorkspace(t)
  const opened = await workspace.readFile('hello/index.ts')
  await rm(path.join(dir, 'hello', 'index.ts'))
  // The user's editor copy wins over a deletion they did not make in the studio.
  await workspace.writeFile('hello/index.ts', 'kept', { expectedVersion: opened.version })
  assert.equal(await readFile(path.join(dir, 'hello', 'index.ts'), 'utf8'), 'kept')
  await rm(path.join(dir, 'hello'), { recursive: true })
  await workspace.writeFile('hello/index.ts', 'kept again')
  assert.equal(await readFile(path.join(dir, 'hello', 'index.ts'), 'utf8'), 'kept again')
})
