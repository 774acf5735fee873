// Step events through the plugin one at a time, run the rest, or start over.
import { useStore } from '../state/store.ts'
import { attempt, store } from '../state/studio-state.ts'
import { reset, runAll, selectEventFile, step } from '../state/run-actions.ts'
import { Icon } from '../layout/icons.tsx'
import { EventList } from './EventList.tsx'

export function DebuggerPane() {
  const eventFiles = useStore(store, (s) => s.eventFiles)
  const eventFileId = useStore(store, (s) => s.eventFileId)
  const phase = useStore(store, (s) => s.phase)
  const progress = useStore(store, (s) => s.progress)
  const cursor = useStore(store, (s) => s.cursor)
  const total = useStore(store, (s) => s.events.length)
  const noPlugin = useStore(store, (s) => !s.selectedPlugin)
  const busy = phase !== 'idle'
  const samples = eventFiles.filter((f) => f.source === 'sample')
  const mine = eventFiles.filter((f) => f.source === 'workspace')
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
          <button type="button" className="small" onClick={() => void reset()} disabled={busy || noPlugin} title="Reload the plugin and clear its state and results">
            <Icon name="reset" />
            Reset
          </button>
        </div>
      </header>
      <div className="debugger-controls">
        <label className="field inline">
          <span>Events</span>
          <select value={eventFileId ?? ''} onChange={(e) => attempt(selectEventFile(e.target.value))} disabled={busy}>
            {samples.length > 0 && (
              <optgroup label="Sample events">
                {samples.map((f) => (
                  <option key={f.id} value={f.id}>
                    {f.name}
                  </option>
                ))}
              </optgroup>
            )}
            {mine.length > 0 && (
              <optgroup label="Workspace events">
                {mine.map((f) => (
                  <option key={f.id} value={f.id}>
                    {f.path ?? f.name}
                  </option>
                ))}
              </optgroup>
            )}
          </select>
        </label>
        <span className="muted small-text" aria-live="polite">
          {Math.min(cursor, total)} of {total} stepped
        </span>
      </div>
      {progress && (
        <div className="progress" role="progressbar" aria-label="Run all progress" aria-valuemin={0} aria-valuemax={progress.total} aria-valuenow={progress.done}>
          <div className="progress-bar" style={{ width: `${(100 * progress.done) / Math.max(1, progress.total)}%` }} />
        </div>
      )}
      <EventList />
    </section>
  )
}
