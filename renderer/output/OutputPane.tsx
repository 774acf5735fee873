// What the last run did to the shown event: errors (linked to source lines), the before/after diff, logs.
import { useEffect } from 'react'
import { useStore } from '../state/store.ts'
import { store } from '../state/studio-state.ts'
import { runErrors } from './run-errors.ts'
import { ErrorList } from './ErrorList.tsx'
import { EventDiff } from './EventDiff.tsx'
import { LogList } from './LogList.tsx'
import { ClockOutput } from '../debugger/ClockBar.tsx'
import { verdict } from './verdict.ts'

export function OutputPane() {
  const state = useStore(store, (s) => s)
  const { shownResult, results, events, setup, lastRunMs, phase } = state
  const result = shownResult === null ? undefined : results[shownResult]
  const event = shownResult === null ? undefined : events[shownResult]
  const errors = runErrors(state)
  const setupLogs = setup.flatMap((s) => s.logs)
  const summary = result ? verdict(result) : null
  // For benchmarks (save → output shown): a performance mark each time a new result is on screen.
  useEffect(() => {
    if (result) performance.mark('studio:output-shown')
  }, [result])
  return (
    <section aria-label="Output" className="pane output-pane" aria-busy={phase !== 'idle'}>
      <header className="pane-header">
        <h2>Output</h2>
        {shownResult !== null && event && (
          <span className="pane-subtitle">
            Event {shownResult + 1} · <code>{event.event}</code>
          </span>
        )}
        {summary && (
          <span className={`status-pill ${summary.tone}`} data-testid="run-verdict">
            {summary.text}
          </span>
        )}
        {result && lastRunMs !== null && <span className="muted small-text">{lastRunMs} ms</span>}
      </header>
      <div className="pane-body output-body">
        {!result && errors.length === 0 && (
          <p className="empty">{event ? 'This event has not run yet. Press Run (F5) or Step (F10).' : 'Run an event to see what the plugin does to it.'}</p>
        )}
        <ClockOutput place="first" />
        {errors.length > 0 && (
          <div className="output-section">
            <h3>Errors</h3>
            <ErrorList errors={errors} />
          </div>
        )}
        {result && (
          <div className="output-section">
            <h3>Event</h3>
            {result.output ? (
              <EventDiff input={result.input} output={result.output} />
            ) : (
              <p className="muted">The plugin dropped the event (it returned null or undefined); nothing goes on to be ingested.</p>
            )}
          </div>
        )}
        {result && (
          <div className="output-section">
            <h3>Logs</h3>
            <LogList logs={result.logs} label="Event logs" />
          </div>
        )}
        <ClockOutput place="last" />
        {setupLogs.length > 0 && (
          <div className="output-section">
            <h3>Setup logs</h3>
            <LogList logs={setupLogs} label="Setup logs" />
          </div>
        )}
      </div>
    </section>
  )
}
