// Temp files that atomic writes leave when the backend is killed between creating one and renaming
// it into place (SIGKILL, power loss). Listings and the watcher already hide them; opening the
// workspace removes the stale ones, so they do not pile up across crashes.
import path from 'node:path'
import { lstat, readdir, rm } from 'node:fs/promises'
import { TEMP_PREFIX } from './atomic-write.ts'

/** Older than this, no save in progress (this studio's or another one's on the same folder) still writes it. */
export const STALE_TEMP_MS = 60_000
/** Folders looked into at most: a workspace holding a huge tree must still open quickly. */
const MAX_FOLDERS = 4000
/** How deep below the workspace (a temp file sits next to the file it replaces). */
const MAX_DEPTH = 8

/**
 * Only our own names: writeFileAtomic's and Save as test's `<prefix><file name>-<6 random bytes in hex>`.
 * The staging folders of New plugin and the default workspace have another shape and are not files.
 */
const TEMP_NAME = new RegExp(`^${TEMP_PREFIX.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}.+-[0-9a-f]{12}$`)

export function isTempFileName(name: string): boolean {
  return TEMP_NAME.test(name)
}

/**
 * Deletes regular files named like our temp files and not modified for `olderThanMs`, below `root`
 * (not in node_modules or .git, not through symlinks). Returns their root-relative paths. Never
 * throws: a folder it cannot read or a file it cannot delete is left as it is.
 */
export async function sweepStaleTempFiles(root: string, options: { olderThanMs?: number; now?: number } = {}): Promise<string[]> {
  const cutoff = (options.now ?? Date.now()) - (options.olderThanMs ?? STALE_TEMP_MS)
  const removed: string[] = []
  const folders: { relative: string; depth: number }[] = [{ relative: '', depth: 0 }]
  for (let visited = 0; folders.length > 0 && visited < MAX_FOLDERS; visited++) {
    const { relative, depth } = folders.shift()!
    const entries = await readdir(path.join(root, relative), { withFileTypes: true }).catch(() => [])
    for (const entry of entries) {
      const child = relative ? `${relative}/${entry.name}` : entry.name
      // Dirents do not follow symlinks: a linked folder or file is neither a directory nor a file here.
      if (entry.isDirectory()) {
        if (depth < MAX_DEPTH && entry.name !== 'node_modules' && entry.name !== '.git') folders.push({ relative: child, depth: depth + 1 })
      } else if (entry.isFile() && isTempFileName(entry.name)) {
        const file = path.join(root, child)
        const info = await lstat(file).catch(() => null)
        if (!info?.isFile() || info.mtimeMs > cutoff) continue
        if (await rm(file).then(() => true, () => false)) removed.push(child)
      }
    }
  }
  return removed
}
