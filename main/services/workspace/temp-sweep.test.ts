import { test } from 'node:test'
import assert from 'node:assert/strict'
import path from 'node:path'
import os from 'node:os'
import { mkdtemp, mkdir, readFile, rm, symlink, utimes, writeFile } from 'node:fs/promises'
import { existsSync } from 'node:fs'
import { TEMP_PREFIX } from './atomic-write.ts'
import { STALE_TEMP_MS, isTempFileName } from './temp-sweep.ts'
import { Workspace } from './workspace.ts'

/** Backdates a file's modification time by `ms`. */
async function age(file: string, ms: number): Promise<void> {
  const then = new Date(Date.now() - ms)
  await utimes(file, then, then)
}

test('temp file names: only the atomic write’s own shape counts', () => {
  assert.ok(isTempFileName(`${TEMP_PREFIX}index.ts-0123456789ab`))
  assert.ok(isTempFileName(`${TEMP_PREFIX}my-file.json-abcdef012345`))
  assert.equal(isTempFileName(`${TEMP_PREFIX}index.ts`), false)
  assert.equal(isTempFileName(`${TEMP_PREFIX}index.ts-0123456789AB`), false)
  assert.equal(isTempFileName(`${TEMP_PREFIX}hello-1234-1700000000000`), false, 'a New plugin staging folder name')
  assert.equal(isTempFileName(`x${TEMP_PREFIX}index.ts-0123456789ab`), false)
  assert.equal(isTempFileName('index.ts'), false)
})

test('opening a workspace deletes stale temp files of cut-short saves, and nothing else', async (t) => {
  const root = await mkdtemp(path.join(os.tmpdir(), 'temp-sweep-'))
  t.after(() => rm(root, { recursive: true, force: true }))
  const dir = path.join(root, 'workspace')
  const outside = path.join(root, 'outside.txt')
  await mkdir(path.join(dir, 'hello', 'node_modules', 'dep'), { recursive: true })
  await mkdir(path.join(dir, '.plugin-studio'), { recursive: true })
  await mkdir(path.join(dir, '.git'), { recursive: true })
  await writeFile(path.join(dir, 'hello', 'plugin.json'), '{"name":"Hello"}')
  await writeFile(path.join(dir, 'hello', 'index.ts'), 'export {}\n')
  await writeFile(outside, 'outside the workspace\n')
  const old = STALE_TEMP_MS + 60_000
  const files = {
    staleInPlugin: `hello/${TEMP_PREFIX}index.ts-0123456789ab`,
    staleInStudioFolder: `.plugin-studio/${TEMP_PREFIX}settings.json-abcdef012345`,
    fresh: `hello/${TEMP_PREFIX}index.ts-fedcba987654`,
    notOurShape: `hello/${TEMP_PREFIX}notes`,
    inNodeModules: `hello/node_modules/dep/${TEMP_PREFIX}index.js-0123456789ab`,
    inGit: `.git/${TEMP_PREFIX}HEAD-0123456789ab`,
    userFile: 'hello/index.ts',
  }
  for (const [key, file] of Object.entries(files)) {
    if (key !== 'userFile') await writeFile(path.join(dir, file), `${key}\n`)
    if (key !== 'fresh') await age(path.join(dir, file), old)
  }
  // A folder and a symlink named like temp files: neither is a temp file we wrote.
  const folderLikeTemp = `hello/${TEMP_PREFIX}folder-0123456789ab`
  await mkdir(path.join(dir, folderLikeTemp))
  await age(path.join(dir, folderLikeTemp), old)
  const linkLikeTemp = `hello/${TEMP_PREFIX}link-0123456789ab`
  await symlink(outside, path.join(dir, linkLikeTemp))

  const workspace = await Workspace.open(dir)
  t.after(() => workspace.close())

  const exists = (file: string) => existsSync(path.join(dir, file))
  assert.equal(exists(files.staleInPlugin), false, 'a stale temp file next to a plugin file stays')
  assert.equal(exists(files.staleInStudioFolder), false, 'a stale temp file in .plugin-studio stays')
  assert.ok(exists(files.fresh), 'a temp file a save may still be writing was deleted')
  assert.ok(exists(files.notOurShape), 'a file not named like our temp files was deleted')
  assert.ok(exists(files.inNodeModules), 'node_modules was swept')
  assert.ok(exists(files.inGit), '.git was swept')
  assert.ok(exists(folderLikeTemp), 'a folder was deleted')
  assert.ok(exists(linkLikeTemp), 'a symlink was deleted')
  assert.equal(await readFile(outside, 'utf8'), 'outside the workspace\n')
  assert.equal(await readFile(path.join(dir, files.userFile), 'utf8'), 'export {}\n')
  assert.deepEqual((await workspace.listFiles('hello')).map((f) => f.path), ['hello/index.ts', 'hello/plugin.json'])
})
