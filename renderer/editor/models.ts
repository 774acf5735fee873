// One Monaco model per workspace file (URI file:///<workspace-relative path>), with the text last
// saved so the UI knows which files have unsaved edits.
import { monaco } from './monaco-setup.ts'

const saved = new Map<string, number>() // path → model alternative version id at the last save/load
const dirtyListeners = new Set<(path: string, dirty: boolean) => void>()

export function uriFor(path: string): monaco.Uri {
  return monaco.Uri.from({ scheme: 'file', path: `/${path}` })
}

export function pathOf(uri: monaco.Uri): string {
  return uri.path.replace(/^\//, '')
}

export function languageFor(path: string): string {
  const name = path.toLowerCase()
  if (/\.(ts|mts|cts|tsx)$/.test(name)) return 'typescript'
  if (/\.(js|mjs|cjs|jsx)$/.test(name)) return 'javascript'
  if (name.endsWith('.json')) return 'json'
  if (name.endsWith('.md')) return 'markdown'
  if (/\.ya?ml$/.test(name)) return 'yaml'
  return 'plaintext'
}

export function getModel(path: string): monaco.editor.ITextModel | null {
  return monaco.editor.getModel(uriFor(path))
}

/** Creates the model, or replaces its text when the file was (re)read from disk. */
export function putModel(path: string, text: string): monaco.editor.ITextModel {
  let model = getModel(path)
  if (!model) {
    model = monaco.editor.createModel(text, languageFor(path), uriFor(path))
    const created = model
    created.onDidChangeContent(() => {
      const dirty = created.getAlternativeVersionId() !== saved.get(path)
      dirtyListeners.forEach((listener) => listener(path, dirty))
    })
  } else if (model.getValue() !== text) {
    // Keep undo history: replace as one edit.
    model.pushEditOperations([], [{ range: model.getFullModelRange(), text }], () => null)
  }
  markSaved(path)
  return model
}

/** Records the text as saved: now, or as it was at `versionId` (the user may have typed since). */
export function markSaved(path: string, versionId?: number): void {
  const model = getModel(path)
  if (!model) return
  saved.set(path, versionId ?? model.getAlternativeVersionId())
  const dirty = model.getAlternativeVersionId() !== saved.get(path)
  dirtyListeners.forEach((listener) => listener(path, dirty))
}

export function isDirty(path: string): boolean {
  const model = getModel(path)
  return !!model && model.getAlternativeVersionId() !== saved.get(path)
}

export function disposeModel(path: string): void {
  getModel(path)?.dispose()
  saved.delete(path)
}

/** Moves a model to a new path (rename), keeping its text and dirty state. */
export function moveModel(from: string, to: string): void {
  const model = getModel(from)
  if (!model) return
  const text = model.getValue()
  const wasDirty = isDirty(from)
  disposeModel(from)
  putModel(to, text)
  if (wasDirty) {
    saved.set(to, -1)
    dirtyListeners.forEach((listener) => listener(to, true))
  }
}

export function onDirtyChange(listener: (path: string, dirty: boolean) => void): () => void {
  dirtyListeners.add(listener)
  return () => dirtyListeners.delete(listener)
}
