// Version bumps written atomically: a temp file in the same folder, then rename, so package.json is
// never half-written (rename replaces the file in one step on the same filesystem).
import { randomBytes } from 'node:crypto'
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { SEMVER } from './package-manifest.ts'

export type BumpKind = 'patch' | 'minor' | 'major'
export const BUMP_KINDS: readonly BumpKind[] = ['patch', 'minor', 'major']

/** npm version semantics: a prerelease of the next version bumps to that version. */
export function bumpVersion(version: string, kind: BumpKind): string {
  const match = SEMVER.exec(version)
  if (!match) throw new Error(`"${version}" is not a semantic version (like 1.2.3)`)
  const [major, minor, patch] = [Number(match[1]), Number(match[2]), Number(match[3])]
  const pre = match[4] !== undefined
  if (kind === 'major') return pre && minor === 0 && patch === 0 ? `${major}.0.0` : `${major + 1}.0.0`
  if (kind === 'minor') return pre && patch === 0 ? `${major}.${minor}.0` : `${major}.${minor + 1}.0`
  return pre ? `${major}.${minor}.${patch}` : `${major}.${minor}.${patch + 1}`
}

export function writeFileAtomic(path: string, contents: string): void {
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`)
  try {
    writeFileSync(temp, contents, { flag: 'wx' })
    renameSync(temp, path)
  } catch (error) {
    rmSync(temp, { force: true })
    throw error
  }
}

/** Writes a JSON document keeping the file's indentation (two spaces when new). */
export function writeJsonAtomic(path: string, value: unknown): void {
  let indent: string | number = 2
  try {
    indent = /^[ \t]+(?=")/m.exec(readFileSync(path, 'utf8'))?.[0] ?? 2
  } catch {}
  writeFileAtomic(path, `${JSON.stringify(value, null, indent)}\n`)
}
