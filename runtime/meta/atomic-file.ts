// Writes a file so that a reader (or a crash) sees either the old content or the new, never half:
// write a temp file beside it, fsync, rename over the target, fsync the folder.
import { open, readdir, rename, unlink } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'

let counter = 0

const TEMP_SUFFIX = '.tmp'

function tempPathFor(file: string): string {
  counter += 1
  return join(dirname(file), `.${basename(file)}.${process.pid}.${counter}${TEMP_SUFFIX}`)
}

export async function writeFileAtomic(file: string, text: string): Promise<void> {
  const temp = tempPathFor(file)
  let renamed = false
  try {
    const handle = await open(temp, 'w', 0o600)
    try {
      await handle.writeFile(text, 'utf8')
      await handle.sync()
    } finally {
      await handle.close()
    }
    await rename(temp, file)
    renamed = true
    await syncFolder(dirname(file))
  } finally {
    if (!renamed) await unlink(temp).catch(() => {})
  }
}

/** Makes the rename itself durable. Not every platform can open a folder (Windows): best effort. */
async function syncFolder(folder: string): Promise<void> {
  let handle
  try {
    handle = await open(folder, 'r')
    await handle.sync()
  } catch {
  } finally {
    await handle?.close().catch(() => {})
  }
}

/** Whether a process id is alive; a temp file of a live writer may be about to be renamed. */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** Removes temp files that crashed writers (dead processes) left beside `file`. */
export async function removeStaleTempFiles(file: string): Promise<void> {
  const prefix = `.${basename(file)}.`
  let names: string[]
  try {
    names = await readdir(dirname(file))
  } catch {
    return
  }
  await Promise.all(
    names
      .filter((name) => {
        if (!name.startsWith(prefix) || !name.endsWith(TEMP_SUFFIX)) return false
        const pid = Number(name.slice(prefix.length).split('.')[0])
        return Number.isInteger(pid) && pid !== process.pid && !isAlive(pid)
      })
      .map((name) => unlink(join(dirname(file), name)).catch(() => {})),
  )
}
