// Path confinement: every path the UI sends is workspace-relative and must stay inside the workspace,
// also after symlinks are followed. Errors name the path and the reason.
import path from 'node:path'
import { lstat, realpath } from 'node:fs/promises'

export class PathError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'PathError'
  }
}

/** Checks the shape of a workspace-relative path and normalises it to `a/b/c`. */
export function normaliseRelative(relative: string): string {
  if (typeof relative !== 'string' || relative.length === 0) throw new PathError('A path is required')
  if (relative.includes('\0')) throw new PathError(`"${relative}" contains a NUL character`)
  const slashed = relative.replace(/\\/g, '/')
  if (slashed.startsWith('/') || /^[a-zA-Z]:/.test(slashed) || path.isAbsolute(relative)) {
    throw new PathError(`"${relative}" is absolute; paths are relative to the workspace`)
  }
  const parts = slashed.split('/').filter((part) => part !== '' && part !== '.')
  if (parts.some((part) => part === '..')) throw new PathError(`"${relative}" leaves the workspace ("..")`)
  if (parts.length === 0) throw new PathError(`"${relative}" names the workspace itself, not a file in it`)
  return parts.join('/')
}

/** The workspace-relative form of an absolute path inside `root`, or null when it is outside. */
export function relativeInside(root: string, absolute: string): string | null {
  const relative = path.relative(root, absolute)
  if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) return null
  return relative.split(path.sep).join('/')
}

/**
 * Resolves a workspace-relative path to an absolute one inside `realRoot` (the workspace's real
 * path). The deepest existing ancestor (the path itself when it exists) is resolved through symlinks
 * and must still be inside the workspace, so a link pointing out cannot be read, written or followed.
 */
export async function resolveInside(realRoot: string, relative: string): Promise<string> {
  const clean = normaliseRelative(relative)
  const target = path.join(realRoot, ...clean.split('/'))
  let existing = target
  for (;;) {
    try {
      const real = await realpath(existing)
      if (real !== realRoot && relativeInside(realRoot, real) === null) {
        throw new PathError(`"${clean}" resolves outside the workspace (through a symbolic link)`)
      }
      return target
    } catch (error) {
      if (error instanceof PathError) throw error
      const code = (error as NodeJS.ErrnoException).code
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw error
      // A dangling link would be followed by a later write or mkdir: refuse it outright.
      if (await isSymlink(existing)) throw new PathError(`"${clean}" goes through a symbolic link whose target is missing`)
      const parent = path.dirname(existing)
      if (parent === existing) return target
      existing = parent
    }
  }
}

async function isSymlink(file: string): Promise<boolean> {
  try {
    return (await lstat(file)).isSymbolicLink()
  } catch {
    return false
  }
}
