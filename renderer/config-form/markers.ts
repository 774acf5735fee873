// plugin.json problems as Monaco marker data (IMarkerData's shape), without importing Monaco here:
// editor.setModelMarkers(model, 'plugin.json', problemsToMarkers(problems)).
import type { PluginJsonProblem } from '../../common/plugin/plugin-json.ts'

/** monaco.MarkerSeverity values. */
export const MARKER_SEVERITY = { Warning: 4, Error: 8 } as const

export interface MarkerData {
  severity: number
  message: string
  startLineNumber: number
  startColumn: number
  endLineNumber: number
  endColumn: number
  source: string
}

export function problemsToMarkers(problems: PluginJsonProblem[]): MarkerData[] {
  return problems.map((p) => {
    const line = p.line ?? 1
    const column = p.column ?? 1
    return {
      severity: p.severity === 'warning' ? MARKER_SEVERITY.Warning : MARKER_SEVERITY.Error,
      message: p.message,
      startLineNumber: line,
      startColumn: column,
      endLineNumber: p.endLine ?? line,
      endColumn: p.endColumn ?? column + 1,
      source: 'PostHog plugin.json',
    }
  })
}
