// After an import: how many events went in, and every line or row that was left out, with why.
import { useStore } from '../state/store.ts'
import { store } from '../state/studio-state.ts'
import { debuggerStore } from './debugger-store.ts'

const SHOWN_PROBLEMS = 50

export function ImportReport() {
  const report = useStore(debuggerStore, (s) => s.importReport)
  const fileProblems = useStore(store, (s) => s.eventProblems)
  const fileId = useStore(store, (s) => s.eventFileId)
  if (report && report.file.id === fileId) {
    const bad = report.problems.length
    return (
      <div className={`import-report ${bad ? 'has-problems' : ''}`} role="status" aria-label="Import report">
        <div className="import-summary">
          Imported {report.imported} event{report.imported === 1 ? '' : 's'} from {report.fileName} into {report.file.path}
          {bad > 0 ? `; ${bad} bad ${report.format === 'csv' ? 'row' : 'line'}${bad === 1 ? '' : 's'} left out` : ''}.
          <button type="button" className="icon-button" aria-label="Dismiss import report" onClick={() => debuggerStore.set({ importReport: null })}>
            ×
          </button>
        </div>
        {bad > 0 && (
          <ul className="import-problems">
            {report.problems.slice(0, SHOWN_PROBLEMS).map((p, i) => (
              <li key={i}>
                Line {p.line}: {p.message}
              </li>
            ))}
            {bad > SHOWN_PROBLEMS && <li>… and {bad - SHOWN_PROBLEMS} more</li>}
          </ul>
        )}
        {report.ignoredColumns.length > 0 && <p className="muted small-text">Columns not used: {report.ignoredColumns.join(', ')}</p>}
      </div>
    )
  }
  if (fileProblems.length === 0) return null
  return (
    <div className="import-report has-problems" role="status" aria-label="File problems">
      <div className="import-summary">
        {fileProblems.length} line{fileProblems.length === 1 ? '' : 's'} of this file {fileProblems.length === 1 ? 'is' : 'are'} not an event and {fileProblems.length === 1 ? 'was' : 'were'} skipped.
      </div>
      <ul className="import-problems">
        {fileProblems.slice(0, SHOWN_PROBLEMS).map((p, i) => (
          <li key={i}>
            Line {p.line}: {p.message}
          </li>
        ))}
      </ul>
    </div>
  )
}
