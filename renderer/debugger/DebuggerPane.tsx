// Step events through the pipeline one at a time, run the rest (with progress and Stop), or start
// over; pick, import and edit event files; filter the run; see the selected event stage by stage.
import './debugger.css'
import { useStore } from '../state/store.ts'
import { store } from '../state/studio-state.ts'
import { reset, runAll, step, stopRunAll } from '../state/run-actions.ts'
import { Icon } from '../layout/icons.tsx'
import { EventList } from './EventList.tsx'
import { EventFileBar } from './EventFileBar.tsx'
import { PipelineBar } from './PipelineBar.tsx'
import { ExportRunButton, FilterBar } from './FilterBar.tsx'
import { ImportReport } from './ImportReport.tsx'
import { StageView } from './StageView.tsx'
import { EventEditorDialog } from './EventEditorDialog.tsx'
import { ClockBar } from './ClockBar.tsx'
import { StateInspector } from './StateInspector.tsx'
import { TimeTravelBar } from './TimeTravelBar.tsx'
import { SaveAsTestButton } from './SaveAsTest.tsx'
import { BreakpointsPanel } from '../breakpoints/BreakpointsPanel.tsx'

export function DebuggerPane() {
  const phase = useStore(store, (s) => s.phase)
  const progress = useStore(store, (s) => s.progress)
  const cursor = useStore(store, (s) => s.cursor)
  const total = useStore(store, (s) => s.events.length)
  const noPlugin = useStore(store, (s) => !s.selectedPlugin)
  const selected = useStore(store, (s) => s.selectedEvent)
  const result = useStore(store, (s) => s.results[s.selectedEvent])
  const busy = phase !== 'idle'
  return (
    <section aria-label="Debugger" className="pane debugger-pane">
      <header className="pane-header">
        <h2>Debugger</h2>
        <div className="button-group">
          <button type="button" className="small" onClick={() => void step()} disabled={busy || noPlugin || cursor >= total} aria-keyshortcuts="F10" title="Run the next event (F10)">
            <Icon name="step" />
            Step
          </button>
          <button type="button" className="small" onClick={() => void runAll()} disabled={busy || noPlugin || cursor >= total} aria-keyshortcuts="Shift+F5" title="Run every remaining event (Shift+F5)">
            <Icon name="runAll" />
            Run all
          </button>
          {phase === 'running-all' && (
            <button type="button" className="small danger" onClick={stopRunAll} disabled={progress?.stopping} title="Stop after the current batch">
              Stop
            </button>
          )}
          <button type="button" className="small" onClick={() => void reset()} disabled={busy || noPlugin} title="Clear cache, storage and globals, reload the plugin (setupPlugin runs again) and forget the results">
            <Icon name="reset" />
            Reset
          </button>
        </div>
      </header>
      <BreakpointsPanel />
      <PipelineBar busy={busy} />
      <ClockBar busy={busy} />
      <EventFileBar busy={busy} />
      <div className="debugger-status">
        <span className="muted small-text" aria-live="polite">
          {Math.min(cursor, total).toLocaleString()} of {total.toLocaleString()} stepped
        </span>
        {progress && (
          <span className="muted small-text progress-label">
            {progress.stopping ? 'Stopping… ' : 'Running… '}
            {progress.done.toLocaleString()} / {progress.total.toLocaleString()}
          </span>
        )}
        <ExportRunButton />
        <SaveAsTestButton />
      </div>
      {progress && (
        <div className="progress" role="progressbar" aria-label="Run all progress" aria-valuemin={0} aria-valuemax={progress.total} aria-valuenow={progress.done}>
          <div className="progress-bar" style={{ width: `${(100 * progress.done) / Math.max(1, progress.total)}%` }} />
        </div>
      )}
      <ImportReport />
      <FilterBar />
      <div className="debugger-split">
        <EventList />
        <div className="stage-panel" aria-label={`Event ${selected + 1} stages`} role="region">
          {result ? <StageView result={result} /> : <p className="empty">{total ? `Event ${selected + 1} has not run yet. Step (F10) or Run all.` : 'No event selected.'}</p>}
        </div>
      </div>
      <TimeTravelBar busy={busy} />
      <StateInspector />
      <EventEditorDialog />
    </section>
  )
}
