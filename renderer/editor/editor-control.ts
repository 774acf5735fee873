// The one code editor instance, for code outside React that needs to move its cursor or focus it.
import type { monaco } from './monaco-setup.ts'
import { getModel } from './models.ts'

let editor: monaco.editor.IStandaloneCodeEditor | null = null
const viewStates = new Map<string, monaco.editor.ICodeEditorViewState | null>()
let pendingReveal: { path: string; line: number; column: number } | null = null

export function attachEditor(instance: monaco.editor.IStandaloneCodeEditor | null): void {
  editor = instance
}

export function currentEditor(): monaco.editor.IStandaloneCodeEditor | null {
  return editor
}

/** Shows `path`'s model in the editor, restoring where the cursor was last time. */
export function showModel(path: string | null): void {
  if (!editor) return
  const current = editor.getModel()
  if (current) viewStates.set(current.uri.path.replace(/^\//, ''), editor.saveViewState())
  const model = path ? getModel(path) : null
  if (current === model) return applyPendingReveal()
  editor.setModel(model)
  if (model && performance.getEntriesByName('studio:editor-ready').length === 0) performance.mark('studio:editor-ready')
  if (path && model) {
    const state = viewStates.get(path)
    if (state) editor.restoreViewState(state)
  }
  applyPendingReveal()
}

/** Puts the cursor at line:column of `path` (once its model is shown) and focuses the editor. */
export function revealPosition(path: string, line: number, column = 1): void {
  pendingReveal = { path, line, column }
  applyPendingReveal()
}

function applyPendingReveal(): void {
  if (!editor || !pendingReveal) return
  const model = editor.getModel()
  if (!model || model !== getModel(pendingReveal.path)) return
  const line = Math.min(Math.max(1, pendingReveal.line), model.getLineCount())
  const column = Math.min(Math.max(1, pendingReveal.column), model.getLineMaxColumn(line))
  pendingReveal = null
  editor.setPosition({ lineNumber: line, column })
  editor.revealLineInCenterIfOutsideViewport(line)
  editor.focus()
}

export function forgetViewState(path: string): void {
  viewStates.delete(path)
}
