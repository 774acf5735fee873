// Atomic file replacement: write a temp file next to the target, flush it, then rename it over the
// target. A crash or a failed write leaves the old file (or no file) — never a half-written one.
import path from 'node:path'
import { randomBytes } from 'node:crypto'
import { open, rename, rm, stat } from 'node:fs/promises'

/** Temp files start with this, so the watcher and listings can ignore them. */
export const TEMP_PREFIX = '.plugin-studio-tmp-'

export async function writeFileAtomic(file: string, content: string | Uint8Array): Promise<void> {
  const dir = path.dirname(file)
  const temp = path.join(dir, `${TEMP_PREFIX}${path.basename(file)}-${randomBytes(6).toString('hex')}`)
  // Keep the permissions of the file being replaced (an executable script stays executable).
  let mode = 0o644
  try {
    mode = (await stat(file)).mode & 0o777
  } catch {}
  const handle = await open(temp, 'wx', mode)
  try {
    try {
      await handle.writeFile(content)
      await handle.sync()
    } finally {
      await handle.close()
    }
    await rename(temp, file)
  } catch (error) {
    await rm(temp, { force: true })
    throw error
  }
}
