// Atomic file replacement: write a temp file next to the target, flush it, then rename it over the
// target. A crash or a failed write leaves the old file (or no file) — never a half-written one.
import path from 'node:path'
import { randomBytes } from 'node:crypto'
import * as nodeFs from 'node:fs/promises'

/** Temp files start with this, so the watcher and listings can ignore them. */
export const TEMP_PREFIX = '.plugin-studio-tmp-'

/**
 * The file-system calls an atomic write makes. Tests pass a layer that fails on cue (a full disk,
 * a read-only folder) to prove the old file survives; everything else uses node:fs.
 */
export interface WriteLayer {
  open(file: string, flags: string, mode: number): Promise<{ writeFile(content: string | Uint8Array): Promise<void>; sync(): Promise<void>; close(): Promise<void> }>
  rename(from: string, to: string): Promise<void>
  rm(file: string, options: { force: boolean }): Promise<void>
  stat(file: string): Promise<{ mode: number }>
}

export const nodeWriteLayer: WriteLayer = nodeFs

export interface AtomicWriteOptions {
  layer?: WriteLayer
  /** How errors name the file (a workspace-relative path); the absolute path by default. */
  label?: string
}

/** A save that failed; says which file, why, and that the previous content is still there. */
export class SaveError extends Error {
  readonly code: string | undefined
  constructor(label: string, cause: unknown) {
    const code = (cause as NodeJS.ErrnoException | undefined)?.code
    super(`Could not save ${label}: ${describeFailure(cause)}; the file on disk was left as it was`, { cause })
    this.name = 'SaveError'
    this.code = code
  }
}

function describeFailure(cause: unknown): string {
  const code = (cause as NodeJS.ErrnoException | undefined)?.code
  switch (code) {
    case 'ENOSPC':
      return 'the disk is full (ENOSPC)'
    case 'EDQUOT':
      return 'the disk quota is exceeded (EDQUOT)'
    case 'EROFS':
      return 'the folder is on a read-only file system (EROFS)'
    case 'EACCES':
    case 'EPERM':
      return `permission denied (${code}); the folder or file is read-only`
    case 'ENOENT':
      return 'its folder no longer exists (ENOENT)'
    default:
      // The message of an errno error names the temp file, which means nothing to the user.
      if (code) return `the file system failed (${code}${(cause as NodeJS.ErrnoException).syscall ? ` in ${(cause as NodeJS.ErrnoException).syscall}` : ''})`
      return cause instanceof Error ? cause.message : String(cause)
  }
}

export async function writeFileAtomic(file: string, content: string | Uint8Array, options: AtomicWriteOptions = {}): Promise<void> {
  const fs = options.layer ?? nodeWriteLayer
  const dir = path.dirname(file)
  const temp = path.join(dir, `${TEMP_PREFIX}${path.basename(file)}-${randomBytes(6).toString('hex')}`)
  // Keep the permissions of the file being replaced (an executable script stays executable).
  let mode = 0o644
  try {
    mode = (await fs.stat(file)).mode & 0o777
  } catch {}
  let handle
  try {
    handle = await fs.open(temp, 'wx', mode)
  } catch (error) {
    throw new SaveError(options.label ?? file, error)
  }
  try {
    try {
      await handle.writeFile(content)
      await handle.sync()
    } finally {
      await handle.close()
    }
    await fs.rename(temp, file)
  } catch (error) {
    await fs.rm(temp, { force: true }).catch(() => {})
    throw new SaveError(options.label ?? file, error)
  }
}
