import { test } from 'node:test'
import assert from 'node:assert/strict'
import path from 'node:path'
import os from 'node:os'
import { mkdtemp, mkdir, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import type { FileChange } from '../../../common/protocol/studio.ts'
import { Workspace } from './workspace.ts'
import { writeFileAtomic } from './atomic-write.ts'

async function tempWorkspace(t: { after(fn: () => Promise<void>): void }) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ws-test-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  await mkdir(path.join(dir, 'hello'))
  await writeFile(path.join(dir, 'hello', 'plugin.json'), JSON.stringify({ name: 'Hello', config: [{ key: 'greeting', default: 'hi' }] }))
  await writeFile(path.join(dir, 'hello', 'index.ts'), 'export function processEvent(e) { return e }\n')
  await mkdir(path.join(dir, 'group', 'nested'), { recursive: true })
  await writeFile(path.join(dir, 'group', 'nested', 'plugin.json'), '{ "name": ')
  await mkdir(path.join(dir, 'node_modules', 'dep'), { recursive: true })
  await writeFile(path.join(dir, 'node_modules', 'dep', 'plugin.json'), '{}')
  return { dir, workspace: await Workspace.open(dir) }
}

test('lists plugin folders with their summary, skipping node_modules', async (t) => {
  const { workspace } = await tempWorkspace(t)
  const plugins = await workspace.listPlugins()
  assert.deepEqual(plugins.map((p) => p.id), ['group/nested', 'hello'])
  const hello = plugins[1]
  assert.equal(hello.name, 'Hello')
  assert.equal(hello.entry, 'hello/index.ts')
  assert.equal(hello.config[0].key, 'greeting')
  assert.match(plugins[0].problems[0].message, /Not valid JSON/)
  assert.deepEqual((await workspace.listFiles('hello')).map((f) => f.path), ['hello/index.ts', 'hello/plugin.json'])
})

test('writes atomically: a failed write leaves the old content and no temp file', async (t) => {
  const { dir, workspace } = await tempWorkspace(t)
  const file = path.join(dir, 'hello', 'index.ts')
  const before = await readFile(file, 'utf8')
  // A value that cannot be written fails in the middle of the write.
  await assert.rejects(writeFileAtomic(file, { bad: true } as unknown as string))
  assert.equal(await readFile(file, 'utf8'), before)
  assert.deepEqual((await readdir(path.join(dir, 'hello'))).sort(), ['index.ts', 'plugin.json'])
  const written = await workspace.writeFile('hello/index.ts', 'export const x = 1\n')
  assert.equal(await readFile(file, 'utf8'), 'export const x = 1\n')
  assert.equal(written.version, (await workspace.readFile('hello/index.ts')).version)
})

test('concurrent readers never see a half-written file', async (t) => {
  const { dir, workspace } = await tempWorkspace(t)
  const big = (c: string) => c.repeat(2_000_000)
  await workspace.writeFile('hello/big.txt', big('a'))
  const file = path.join(dir, 'hello', 'big.txt')
  let reads = 0
  const writing = Promise.all([workspace.writeFile('hello/big.txt', big('b')), workspace.writeFile('hello/big.txt', big('c'))])
  let done = false
  void writing.then(() => (done = true))
  while (!done) {
    const text = await readFile(file, 'utf8')
    assert.ok(text === big('a') || text === big('b') || text === big('c'), 'a reader saw a mixed or partial file')
    reads++
  }
  await writing
  assert.ok(reads > 0)
})

test('refuses a stale write (changed outside since it was read)', async (t) => {
  const { dir, workspace } = await tempWorkspace(t)
  const opened = await workspace.readFile('hello/index.ts')
  await writeFile(path.join(dir, 'hello', 'index.ts'), 'changed elsewhere\n')
  await assert.rejects(workspace.writeFile('hello/index.ts', 'mine', { expectedVersion: opened.version }), { name: 'FileConflictError' })
  assert.equal(await readFile(path.join(dir, 'hello', 'index.ts'), 'utf8'), 'changed elsewhere\n')
})

test('refuses traversal, absolute paths and symlinks out of the workspace', async (t) => {
  const { dir, workspace } = await tempWorkspace(t)
  const outside = await mkdtemp(path.join(os.tmpdir(), 'ws-outside-'))
  t.after(() => rm(outside, { recursive: true, force: true }))
  await writeFile(path.join(outside, 'secret.txt'), 'secret')
  await symlink(outside, path.join(dir, 'hello', 'escape'))
  await symlink(path.join(outside, 'secret.txt'), path.join(dir, 'hello', 'secret-link.txt'))
  await symlink(path.join(outside, 'missing.txt'), path.join(dir, 'hello', 'dangling.txt'))
  for (const bad of ['../x', 'hello/../../x', '/etc/passwd', 'C:\\x', '..\\x', '', 'a\0b']) {
    await assert.rejects(workspace.readFile(bad), { name: 'PathError' }, bad)
    await assert.rejects(workspace.writeFile(bad, 'x'), { name: 'PathError' }, bad)
  }
  await assert.rejects(workspace.readFile('hello/escape/secret.txt'), /outside the workspace/)
  await assert.rejects(workspace.writeFile('hello/escape/new.txt', 'x'), /outside the workspace/)
  await assert.rejects(workspace.readFile('hello/secret-link.txt'), /outside the workspace/)
  await assert.rejects(workspace.writeFile('hello/secret-link.txt', 'x'), /outside the workspace/)
  await assert.rejects(workspace.writeFile('hello/dangling.txt', 'x'), /symbolic link/)
  await assert.rejects(workspace.rename('hello/index.ts', 'hello/escape/index.ts'), /outside the workspace/)
  await assert.rejects(workspace.delete('hello/escape/secret.txt'), /outside the workspace/)
  assert.equal(await readFile(path.join(outside, 'secret.txt'), 'utf8'), 'secret')
  assert.deepEqual((await readdir(outside)).sort(), ['secret.txt'])
})

test('create, rename and delete', async (t) => {
  const { workspace } = await tempWorkspace(t)
  await workspace.createFile('hello/lib/util.ts', 'export {}\n')
  await assert.rejects(workspace.createFile('hello/lib/util.ts'), /already exists/)
  await workspace.rename('hello/lib', 'hello/src')
  assert.equal((await workspace.readFile('hello/src/util.ts')).content, 'export {}\n')
  await workspace.delete('hello/src')
  await assert.rejects(workspace.readFile('hello/src/util.ts'), /does not exist/)
})

test('the watcher reports outside changes once, and not the studio’s own writes', async (t) => {
  const { dir, workspace } = await tempWorkspace(t)
  t.after(() => workspace.close())
  const changes: FileChange[] = []
  workspace.watch((change) => changes.push(change))
  await workspace.readFile('hello/index.ts')
  await workspace.writeFile('hello/index.ts', 'ours\n')
  await new Promise((r) => setTimeout(r, 400))
  assert.equal(changes.length, 0, "the studio's own write was reported")
  for (let i = 0; i < 5; i++) await writeFile(path.join(dir, 'hello', 'index.ts'), `theirs ${i}\n`)
  await writeFile(path.join(dir, 'hello', 'new.ts'), 'new\n')
  const deadline = Date.now() + 5000
  while (changes.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50))
  await new Promise((r) => setTimeout(r, 300))
  const byPath = new Map(changes.map((c) => [c.path, c]))
  assert.equal(changes.filter((c) => c.path === 'hello/index.ts').length, 1)
  assert.equal(byPath.get('hello/index.ts')?.kind, 'changed')
  assert.equal(byPath.get('hello/index.ts')?.plugin, 'hello')
  assert.equal(byPath.get('hello/new.ts')?.kind, 'created')
})
