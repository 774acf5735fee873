// Watches a folder tree for changes made by others (an editor, git, npm) and reports each changed
// path once after a quiet period, so a burst of writes becomes one notification per path.
//
// Why not just `fs.watch(root, { recursive: true })` everywhere: on Linux, Node implements recursive
// watching by watching each file it found, and a file replaced by rename (how editors, and our own
// atomic writes, save) is never watched again — later edits to it go unreported. Watching each
// *folder* does not have that problem, so on Linux we keep one watcher per folder ourselves. macOS and
// Windows have a native recursive watcher, which we use.
import path from 'node:path'
import { lstatSync, readdirSync, watch, type FSWatcher } from 'node:fs'
import { TEMP_PREFIX } from './atomic-write.ts'

export const WATCH_DEBOUNCE_MS = 120
/** More folders than this are not watched (a runaway tree must not exhaust inotify watches). */
export const MAX_WATCHED_FOLDERS = 4000

/** Path parts never worth reporting: dependencies, VCS data, our own temp files. */
export function isIgnoredPath(relative: string): boolean {
  return relative
    .split('/')
    .some((part) => part === 'node_modules' || part === '.git' || part.startsWith(TEMP_PREFIX))
}

export interface TreeWatcher {
  close(): void
}

/** One changed path; `renamed` when it appeared, vanished or was replaced (not only written to). */
export interface TreeChange {
  path: string
  renamed: boolean
}

/** Calls `onChanges` with the workspace-relative paths that changed, debounced. */
export function watchTree(root: string, onChanges: (changes: TreeChange[]) => void, debounceMs = WATCH_DEBOUNCE_MS): TreeWatcher {
  const pending = new Map<string, boolean>()
  let timer: NodeJS.Timeout | undefined
  let closed = false
  const flush = () => {
    timer = undefined
    const changes = [...pending].map(([path, renamed]) => ({ path, renamed })).sort((a, b) => (a.path < b.path ? -1 : 1))
    pending.clear()
    if (changes.length && !closed) onChanges(changes)
  }
  const report = (relative: string, type: string) => {
    if (closed || isIgnoredPath(relative)) return
    pending.set(relative, (pending.get(relative) ?? false) || type === 'rename')
    if (timer) clearTimeout(timer)
    timer = setTimeout(flush, debounceMs)
  }
  const tree = process.platform === 'linux' ? watchFolders(root, report) : watchRecursive(root, report)
  return {
    close() {
      closed = true
      if (timer) clearTimeout(timer)
      tree.close()
    },
  }
}

function toRelative(filename: string): string {
  return filename.split(path.sep).join('/')
}

function watchRecursive(root: string, report: (relative: string, type: string) => void): TreeWatcher {
  const watcher = watch(root, { recursive: true }, (type, filename) => {
    if (filename) report(toRelative(filename.toString()), type)
  })
  // A watcher error (the folder was removed) must not crash the backend.
  watcher.on('error', () => watcher.close())
  return { close: () => watcher.close() }
}

function watchFolders(root: string, report: (relative: string, type: string) => void): TreeWatcher {
  const watchers = new Map<string, FSWatcher>()
  const add = (relative: string) => {
    if (watchers.has(relative) || watchers.size >= MAX_WATCHED_FOLDERS || (relative && isIgnoredPath(relative))) return
    const absolute = relative ? path.join(root, ...relative.split('/')) : root
    let watcher: FSWatcher
    try {
      watcher = watch(absolute, (type, filename) => {
        if (!filename) return
        const child = relative ? `${relative}/${filename.toString()}` : filename.toString()
        report(child, type)
        // A new folder (created, or moved in) gets its own watcher; a removed one drops its own.
        if (isFolder(path.join(absolute, filename.toString()))) add(child)
        else remove(child)
      })
    } catch {
      return // vanished meanwhile, or not readable
    }
    watcher.on('error', () => remove(relative))
    watchers.set(relative, watcher)
    let entries: string[] = []
    try {
      entries = readdirSync(absolute, { withFileTypes: true })
        .filter((entry) => entry.isDirectory())
        .map((entry) => entry.name)
    } catch {}
    for (const name of entries) add(relative ? `${relative}/${name}` : name)
  }
  const remove = (relative: string) => {
    for (const [key, watcher] of watchers) {
      if (key === relative || key.startsWith(`${relative}/`)) {
        watcher.close()
        watchers.delete(key)
      }
    }
  }
  add('')
  return {
    close() {
      for (const watcher of watchers.values()) watcher.close()
      watchers.clear()
    },
  }
}

function isFolder(file: string): boolean {
  try {
    return lstatSync(file).isDirectory() // lstat: a linked folder may lead out of the workspace
  } catch {
    return false
  }
}
