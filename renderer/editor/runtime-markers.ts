// Runtime and load errors of the shown run as error markers on the user's lines (squiggles + hover).
import { runErrors } from '../output/run-errors.ts'
import { store, type StudioState } from '../state/studio-state.ts'
import { monaco } from './monaco-setup.ts'
import { getModel } from './models.ts'

const OWNER = 'plugin-runtime'
let marked = new Set<string>()

function update(state: StudioState): void {
  const byPath = new Map<string, monaco.editor.IMarkerData[]>()
  for (const error of runErrors(state)) {
    if (!error.place) continue
    const { path, line, column } = error.place
    const model = getModel(path)
    if (!model || line > model.getLineCount()) continue
    const list = byPath.get(path) ?? []
    list.push({
      severity: monaco.MarkerSeverity.Error,
      message: `${error.title}: ${error.message}`,
      startLineNumber: line,
      startColumn: column,
      endLineNumber: line,
      endColumn: Math.max(column + 1, model.getLineMaxColumn(line)),
      source: 'plugin runtime',
    })
    byPath.set(path, list)
  }
  for (const path of marked) {
    const model = getModel(path)
    if (model && !byPath.has(path)) monaco.editor.setModelMarkers(model, OWNER, [])
  }
  for (const [path, markers] of byPath) monaco.editor.setModelMarkers(getModel(path)!, OWNER, markers)
  marked = new Set(byPath.keys())
}

/** Keeps the markers in step with the store. */
export function trackRuntimeMarkers(): () => void {
  let last: unknown[] = []
  return store.subscribe(() => {
    const s = store.get()
    const inputs = [s.setup, s.shownResult, s.results, s.files, s.workspace, s.openFiles]
    if (inputs.every((value, i) => value === last[i])) return
    last = inputs
    update(s)
  })
}
