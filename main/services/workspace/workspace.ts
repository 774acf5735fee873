// One open workspace folder: plugin discovery, confined file access, atomic writes, and outside
// changes reported as FileChange events (our own writes are not echoed back).
import path from 'node:path'
import { createHash } from 'node:crypto'
import { mkdir, readdir, readFile, realpath, rename, rm, stat } from 'node:fs/promises'
import type { FileChange, FileContent, FileEntry, PluginSummary, WorkspaceInfo, WriteFileOptions } from '../../../common/protocol/studio.ts'
import { SaveError, writeFileAtomic, type WriteLayer } from './atomic-write.ts'
import { PathError, normaliseRelative, resolveInside } from './paths.ts'
import { findPluginFolders, summarisePlugin } from './plugin-scan.ts'
import { sweepStaleTempFiles } from './temp-sweep.ts'
import { isIgnoredPath, watchTree, type TreeChange, type TreeWatcher } from './watcher.ts'

/** Files larger than this are not opened as text in the editor. */
export const MAX_TEXT_FILE_BYTES = 5 * 1024 * 1024
/** For this long after the studio itself touched a path, watcher reports of it are checked, not trusted. */
const OWN_CHANGE_WINDOW_MS = 2000

export class FileConflictError extends Error {
  constructor(file: string) {
    super(`${file} was changed outside the studio since it was opened; reload it or save again to overwrite`)
    this.name = 'FileConflictError'
  }
}

export function versionOf(content: string | Uint8Array): string {
  return createHash('sha256').update(content).digest('hex').slice(0, 16)
}

export class Workspace {
  readonly dir: string
  readonly isDefault: boolean
  /** Last version of each file the studio read or wrote, to tell outside changes from our own. */
  private readonly known = new Map<string, string>()
  private readonly ownChanges = new Map<string, number>()
  private watcher: TreeWatcher | undefined
  /** The file-system calls of saves; tests inject failures (full disk, read-only) here. */
  private readonly writeLayer: WriteLayer | undefined

  private constructor(dir: string, isDefault: boolean, writeLayer?: WriteLayer) {
    this.dir = dir
    this.isDefault = isDefault
    this.writeLayer = writeLayer
  }

  /** Opens an existing folder; the error names the folder when it is missing or not a folder. */
  static async open(dir: string, options: { isDefault?: boolean; writeLayer?: WriteLayer } = {}): Promise<Workspace> {
    const absolute = path.resolve(dir)
    let info
    try {
      info = await stat(absolute)
    } catch {
      throw new Error(`Workspace folder ${absolute} does not exist`)
    }
    if (!info.isDirectory()) throw new Error(`Workspace ${absolute} is not a folder`)
    const real = await realpath(absolute)
    // Saves cut short by a crash leave temp files behind; the stale ones go now.
    await sweepStaleTempFiles(real)
    return new Workspace(real, options.isDefault ?? false, options.writeLayer)
  }

  info(): WorkspaceInfo {
    return { dir: this.dir, name: path.basename(this.dir), isDefault: this.isDefault }
  }

  /** The absolute path of a workspace-relative one, refused when it leaves the workspace. */
  resolve(relative: string): Promise<string> {
    return resolveInside(this.dir, relative)
  }

  async listPlugins(): Promise<PluginSummary[]> {
    const ids = await findPluginFolders(this.dir)
    return Promise.all(ids.map((id) => summarisePlugin(this.dir, id)))
  }

  async summarisePlugin(id: string): Promise<PluginSummary> {
    const clean = await this.requirePlugin(id)
    return summarisePlugin(this.dir, clean)
  }

  /** Checks that `id` is a plugin folder of this workspace; returns its normalised id. */
  async requirePlugin(id: string): Promise<string> {
    const clean = normaliseRelative(id)
    const dir = await this.resolve(clean)
    const hasJson = await stat(path.join(dir, 'plugin.json')).then((s) => s.isFile(), () => false)
    if (!hasJson) throw new Error(`${clean} is not a plugin folder of this workspace (no plugin.json)`)
    return clean
  }

  async listFiles(plugin: string): Promise<FileEntry[]> {
    const id = await this.requirePlugin(plugin)
    const entries: FileEntry[] = []
    const visit = async (relative: string) => {
      const items = await readdir(path.join(this.dir, ...relative.split('/')), { withFileTypes: true })
      for (const item of items) {
        const child = `${relative}/${item.name}`
        if (isIgnoredPath(child) || item.name.startsWith('.')) continue
        if (item.isDirectory()) {
          entries.push({ path: child, kind: 'directory', size: 0 })
          await visit(child)
        } else if (item.isFile()) {
          const size = await stat(path.join(this.dir, ...child.split('/'))).then((s) => s.size, () => 0)
          entries.push({ path: child, kind: 'file', size })
        }
        // Symbolic links are not listed: following them could leave the workspace.
      }
    }
    await visit(id)
    return entries.sort((a, b) => a.path.localeCompare(b.path))
  }

  async readFile(relative: string): Promise<FileContent> {
    const clean = normaliseRelative(relative)
    const bytes = await this.readBytes(clean, MAX_TEXT_FILE_BYTES)
    const content = bytes.toString('utf8')
    const version = versionOf(bytes)
    this.known.set(clean, version)
    return { path: clean, content, version }
  }

  /** Raw bytes (attachments); refuses files over `maxBytes`. */
  async readBytes(relative: string, maxBytes = MAX_TEXT_FILE_BYTES): Promise<Buffer> {
    const clean = normaliseRelative(relative)
    const file = await this.resolve(clean)
    let info
    try {
      info = await stat(file)
    } catch {
      throw new Error(`${clean} does not exist in the workspace`)
    }
    if (!info.isFile()) throw new Error(`${clean} is not a file`)
    if (info.size > maxBytes) throw new Error(`${clean} is ${info.size} bytes; the limit is ${maxBytes}`)
    return readFile(file)
  }

  async writeFile(relative: string, content: string, options: WriteFileOptions = {}): Promise<FileContent> {
    const clean = normaliseRelative(relative)
    const file = await this.resolve(clean)
    if (typeof content !== 'string') throw new Error(`Content for ${clean} must be text`)
    if (options.expectedVersion) {
      const current = await readFile(file).then(versionOf, () => null)
      if (current !== null && current !== options.expectedVersion) throw new FileConflictError(clean)
    }
    const existing = await stat(file).catch(() => null)
    if (existing && !existing.isFile()) throw new Error(`${clean} is a folder, not a file`)
    await mkdir(path.dirname(file), { recursive: true }).catch((error: unknown) => {
      throw new SaveError(clean, error)
    })
    this.markOwn(clean)
    // Write through a link inside the workspace to its real file, so the link itself survives.
    await writeFileAtomic(existing ? await realpath(file) : file, content, { layer: this.writeLayer, label: clean })
    const version = versionOf(content)
    this.known.set(clean, version)
    return { path: clean, content, version }
  }

  async createFile(relative: string, content = ''): Promise<FileContent> {
    const clean = normaliseRelative(relative)
    const file = await this.resolve(clean)
    if (await exists(file)) throw new Error(`${clean} already exists`)
    return this.writeFile(clean, content)
  }

  async rename(from: string, to: string): Promise<void> {
    const source = normaliseRelative(from)
    const target = normaliseRelative(to)
    const sourceFile = await this.resolve(source)
    const targetFile = await this.resolve(target)
    if (!(await exists(sourceFile))) throw new Error(`${source} does not exist`)
    if (await exists(targetFile)) throw new Error(`${target} already exists`)
    if (`${target}/`.startsWith(`${source}/`)) throw new Error(`Cannot move ${source} into itself`)
    await mkdir(path.dirname(targetFile), { recursive: true })
    this.markOwn(source)
    this.markOwn(target)
    await rename(sourceFile, targetFile)
    this.forgetUnder(source)
  }

  async delete(relative: string): Promise<void> {
    const clean = normaliseRelative(relative)
    const file = await this.resolve(clean)
    if (!(await exists(file))) throw new Error(`${clean} does not exist`)
    this.markOwn(clean)
    await rm(file, { recursive: true })
    this.forgetUnder(clean)
  }

  /** The plugin a path belongs to (the nearest folder above it holding plugin.json), or null. */
  async pluginOf(relative: string): Promise<string | null> {
    const parts = normaliseRelative(relative).split('/')
    for (let n = parts.length; n >= 1; n--) {
      const candidate = parts.slice(0, n).join('/')
      if (await exists(path.join(this.dir, ...parts.slice(0, n), 'plugin.json'))) return candidate
    }
    return null
  }

  /** Starts reporting outside changes; only one listener (the studio service). */
  watch(listener: (change: FileChange) => void): void {
    this.watcher?.close()
    this.watcher = watchTree(this.dir, (changes) => {
      void this.describeChanges(changes).then((described) => described.forEach(listener))
    })
  }

  close(): void {
    this.watcher?.close()
    this.watcher = undefined
  }

  private async describeChanges(raw: TreeChange[]): Promise<FileChange[]> {
    const changes: FileChange[] = []
    for (const { path: relative, renamed } of raw) {
      let clean: string
      try {
        clean = normaliseRelative(relative)
      } catch {
        continue
      }
      const own = this.isOwn(clean)
      const file = path.join(this.dir, ...clean.split('/'))
      const info = await stat(file).catch(() => null)
      const before = this.known.get(clean)
      if (!info) {
        if (own) continue
        this.known.delete(clean)
        changes.push({ path: clean, kind: 'deleted', version: null, plugin: await this.pluginOf(clean).catch(() => null) })
        continue
      }
      let version: string | null = null
      if (info.isFile()) {
        version = info.size <= MAX_TEXT_FILE_BYTES ? await readFile(file).then(versionOf, () => null) : `size:${info.size}:${info.mtimeMs}`
        if (version === before) continue // unchanged content, e.g. the echo of our own write
        if (own && before === undefined) continue
      } else if (own) {
        continue
      }
      if (version) this.known.set(clean, version)
      // A file the studio never read was "created" only if it appeared (not merely written to).
      const kind = before === undefined && renamed ? 'created' : 'changed'
      changes.push({ path: clean, kind, version, plugin: await this.pluginOf(clean).catch(() => null) })
    }
    return changes
  }

  /** Tells the watcher that the studio itself is about to change `relative` (and what is below it). */
  markOwn(relative: string): void {
    this.ownChanges.set(relative, Date.now() + OWN_CHANGE_WINDOW_MS)
  }

  private isOwn(relative: string): boolean {
    const now = Date.now()
    for (const [marked, until] of this.ownChanges) {
      if (until < now) this.ownChanges.delete(marked)
      else if (relative === marked || relative.startsWith(`${marked}/`)) return true
    }
    return false
  }

  private forgetUnder(relative: string): void {
    for (const key of this.known.keys()) if (key === relative || key.startsWith(`${relative}/`)) this.known.delete(key)
  }
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(() => true, () => false)
}

export { PathError, SaveError }
