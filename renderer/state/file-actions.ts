// Workspace files: plugins and their file lists, opening files into Monaco models, saving, creating,
// renaming and deleting, and reacting to changes made outside the studio.
import type { FileChange } from '../../common/protocol/studio.ts'
import { disposeModel, getModel, isDirty, markSaved, moveModel, putModel } from '../editor/models.ts'
import { forgetViewState } from '../editor/editor-control.ts'
import { studio } from './client.ts'
import { errorText, notify, store } from './studio-state.ts'

/** Version of each file as last read or written by this window (to spot our own change echoes). */
const versions = new Map<string, string>()

/** Files loaded into models up front so relative imports type-check. */
const PRELOAD = /\.(ts|mts|cts|js|mjs|cjs|json)$/i
const PRELOAD_MAX_BYTES = 512 * 1024

export function pluginOf(path: string): string | null {
  const plugins = store.get().plugins.map((p) => p.id).sort((a, b) => b.length - a.length)
  return plugins.find((id) => path === id || path.startsWith(`${id}/`)) ?? null
}

export async function refreshPlugins(): Promise<void> {
  const plugins = await studio().listPlugins()
  store.set((s) => ({
    plugins,
    selectedPlugin: s.selectedPlugin && plugins.some((p) => p.id === s.selectedPlugin) ? s.selectedPlugin : null,
  }))
}

export async function refreshFiles(plugin: string): Promise<void> {
  const entries = await studio().listFiles(plugin)
  store.set((s) => ({ files: { ...s.files, [plugin]: entries } }))
}

export function toggleExpanded(plugin: string): void {
  store.set((s) => ({ expanded: s.expanded.includes(plugin) ? s.expanded.filter((p) => p !== plugin) : [...s.expanded, plugin] }))
  if (!store.get().files[plugin]) void refreshFiles(plugin).catch((error) => notify('error', errorText(error)))
}

async function loadModel(path: string): Promise<void> {
  const file = await studio().readFile(path)
  versions.set(path, file.version)
  putModel(path, file.content)
}

/** Reads the plugin's code and JSON files into models (so imports between them resolve). */
export async function preloadPlugin(plugin: string): Promise<void> {
  const entries = store.get().files[plugin] ?? []
  const wanted = entries.filter((e) => e.kind === 'file' && PRELOAD.test(e.path) && e.size <= PRELOAD_MAX_BYTES && !getModel(e.path))
  await Promise.all(wanted.map((e) => loadModel(e.path).catch(() => undefined)))
}

export async function openFile(path: string): Promise<void> {
  if (!getModel(path)) await loadModel(path)
  store.set((s) => ({
    openFiles: s.openFiles.some((f) => f.path === path) ? s.openFiles : [...s.openFiles, { path, dirty: isDirty(path) }],
    activePath: path,
  }))
}

export function closeFile(path: string): void {
  store.set((s) => {
    const index = s.openFiles.findIndex((f) => f.path === path)
    const openFiles = s.openFiles.filter((f) => f.path !== path)
    const activePath = s.activePath === path ? (openFiles[Math.min(index, openFiles.length - 1)]?.path ?? null) : s.activePath
    return { openFiles, activePath }
  })
}

export function setDirty(path: string, dirty: boolean): void {
  store.set((s) => ({ openFiles: s.openFiles.map((f) => (f.path === path && f.dirty !== dirty ? { ...f, dirty } : f)) }))
}

/** Writes the model's text; asks before overwriting a file changed outside the studio. Returns false when not saved. */
export async function saveFile(path: string): Promise<boolean> {
  const model = getModel(path)
  if (!model) return false
  const versionId = model.getAlternativeVersionId()
  const text = model.getValue()
  let written
  try {
    written = await studio().writeFile(path, text, { expectedVersion: versions.get(path) })
  } catch (error) {
    if ((error as Error).name !== 'FileConflictError') throw error
    if (!window.confirm(`${path} was changed outside the studio since you opened it.\n\nOverwrite it with your version?`)) return false
    written = await studio().writeFile(path, text)
  }
  versions.set(path, written.version)
  markSaved(path, versionId)
  store.set((s) => ({ conflicts: s.conflicts.filter((p) => p !== path) }))
  if (path.endsWith('plugin.json')) await refreshPlugins()
  return true
}

/** Creates an empty file (or one with `content`) and opens it. */
export async function createFile(path: string, content = ''): Promise<void> {
  const file = await studio().createFile(path, content)
  versions.set(file.path, file.version)
  putModel(file.path, file.content)
  const plugin = pluginOf(file.path)
  if (plugin) await refreshFiles(plugin)
  await openFile(file.path)
}

export async function renameFile(from: string, to: string): Promise<void> {
  await studio().renameFile(from, to)
  const moved = (path: string) => (path === from ? to : path.startsWith(`${from}/`) ? to + path.slice(from.length) : null)
  for (const [path, version] of [...versions]) {
    const target = moved(path)
    if (!target) continue
    versions.delete(path)
    versions.set(target, version)
    moveModel(path, target)
    forgetViewState(path)
  }
  store.set((s) => ({
    openFiles: s.openFiles.map((f) => ({ ...f, path: moved(f.path) ?? f.path })),
    activePath: s.activePath ? (moved(s.activePath) ?? s.activePath) : null,
  }))
  const plugin = pluginOf(to) ?? pluginOf(from)
  if (plugin) await refreshFiles(plugin)
  if (to.endsWith('plugin.json') || from.endsWith('plugin.json')) await refreshPlugins()
}

export async function deleteFile(path: string): Promise<void> {
  await studio().deleteFile(path)
  forgetFile(path)
  const plugin = pluginOf(path)
  if (plugin) await refreshFiles(plugin)
  if (path.endsWith('plugin.json')) await refreshPlugins()
}

function forgetFile(path: string): void {
  const gone = (p: string) => p === path || p.startsWith(`${path}/`)
  for (const p of [...versions.keys()]) {
    if (!gone(p)) continue
    versions.delete(p)
    disposeModel(p)
    forgetViewState(p)
  }
  for (const f of store.get().openFiles) if (gone(f.path)) closeFile(f.path)
}

/** Another workspace was opened: every model and version of the old one goes. */
export function forgetAllFiles(): void {
  for (const path of [...versions.keys()]) {
    disposeModel(path)
    forgetViewState(path)
  }
  versions.clear()
}

/** The user chose to drop their edits and take the file as it is on disk now. */
export async function reloadFromDisk(path: string): Promise<void> {
  await loadModel(path)
  store.set((s) => ({ conflicts: s.conflicts.filter((p) => p !== path) }))
}

export function keepMine(path: string): void {
  store.set((s) => ({ conflicts: s.conflicts.filter((p) => p !== path) }))
}

/** A change on disk made by something else (an editor, git, a formatter). */
export async function onOutsideChange(change: FileChange): Promise<void> {
  const { path, kind } = change
  if (kind === 'deleted') {
    if (!isDirty(path)) forgetFile(path)
  } else if (kind === 'changed' && getModel(path) && versions.get(path) !== change.version) {
    if (isDirty(path)) store.set((s) => ({ conflicts: s.conflicts.includes(path) ? s.conflicts : [...s.conflicts, path] }))
    else await loadModel(path)
  }
  if (kind !== 'changed' || path.endsWith('plugin.json')) {
    await refreshPlugins()
    const plugin = change.plugin ?? pluginOf(path)
    if (plugin && store.get().files[plugin]) await refreshFiles(plugin)
  }
}
