// The runtime's virtual clock in the Debugger: its time, "+1 min", "+1 h", "Until idle", and per
// plugin "Run runEveryMinute/Hour/Day now" for the tasks it exports. What a clock action fired and
// logged shows in the Output pane (ClockOutput).
import './clock.css'
import { useEffect } from 'react'
import type { ClockReport } from '../../common/protocol/runtime.ts'
import { useStore } from '../state/store.ts'
import { store } from '../state/studio-state.ts'
import { LogList } from '../output/LogList.tsx'
import { advanceClock, clockStore, fireScheduled, HOUR_MS, MINUTE_MS, refreshPipelineState, runUntilIdle } from '../state/clock-actions.ts'

/** `2022-08-12T00:01:00.000Z` → `2022-08-12 00:01:00 UTC` (milliseconds only when there are some). */
export function formatClockTime(iso: string): string {
  const [date, rest = ''] = iso.split('T')
  const time = rest.replace('Z', '').replace(/\.000$/, '')
  return `${date} ${time} UTC`
}

export function ClockBar({ busy }: { busy: boolean }) {
  const state = useStore(clockStore, (s) => s.pipeline)
  const connected = useStore(store, (s) => s.connection.status === 'ready')
  const selected = useStore(store, (s) => s.selectedPlugin)
  const extras = useStore(store, (s) => s.pipelineExtras)
  useEffect(() => {
    if (connected) void refreshPipelineState()
  }, [connected])
  if (!selected) return null
  const time = state?.time ?? null
  const inPipeline = new Set([selected, ...extras])
  const withTasks = (state?.plugins ?? []).filter((p) => inPipeline.has(p.plugin) && p.capabilities.scheduled_tasks.length > 0)
  return (
    <div className="clock-bar" role="group" aria-label="Clock">
      <div className="clock-row">
        <span className="muted small-text clock-label">Clock</span>
        {time ? (
          <time className="clock-now" dateTime={time.now} data-testid="clock-now" title={time.mode === 'virtual' ? 'Virtual time: it moves only when you advance it' : 'Real time'}>
            {formatClockTime(time.now)}
          </time>
        ) : (
          <span className="clock-now muted" data-testid="clock-now">
            not started
          </span>
        )}
        {time && <span className="muted small-text">{time.mode}</span>}
        <div className="button-group clock-buttons">
          <button type="button" className="small" disabled={busy} onClick={() => void advanceClock(MINUTE_MS, '+1 min')} title="Move the virtual clock forward one minute: due scheduled tasks, jobs, export flushes and retries run">
            +1 min
          </button>
          <button type="button" className="small" disabled={busy} onClick={() => void advanceClock(HOUR_MS, '+1 h')} title="Move the virtual clock forward one hour">
            +1 h
          </button>
          <button type="button" className="small" disabled={busy} onClick={() => void runUntilIdle()} title="Run queued jobs, retries and export flushes until only the recurring schedule is left">
            Until idle
          </button>
        </div>
      </div>
      {withTasks.map((p) => (
        <div key={p.plugin} className="clock-row clock-tasks" role="group" aria-label={`Scheduled tasks of ${p.name}`}>
          <span className="muted small-text clock-label" title={p.name}>
            {withTasks.length > 1 ? p.name : 'Tasks'}
          </span>
          {p.capabilities.scheduled_tasks.map((task) => (
            <button key={task} type="button" className="small" disabled={busy} onClick={() => void fireScheduled(p.plugin, p.name, task)} title={`Run ${task} of ${p.name} now (the clock does not move)`}>
              Run {task} now
            </button>
          ))}
        </div>
      ))}
    </div>
  )
}

function firedText(report: ClockReport): string {
  if (report.fired.length === 0) return 'nothing was due'
  const counts = new Map<string, number>()
  for (const f of report.fired) counts.set(f.label, (counts.get(f.label) ?? 0) + 1)
  return [...counts].map(([label, n]) => (n > 1 ? `${label} ×${n}` : label)).join(', ')
}

/**
 * The Output pane's "Clock" section: the latest clock actions, what fired and what was logged.
 * `place` 'first' shows it only while a clock action is the latest thing done, 'last' otherwise.
 */
export function ClockOutput({ place }: { place: 'first' | 'last' }) {
  const entries = useStore(clockStore, (s) => s.entries)
  const latest = useStore(clockStore, (s) => s.latest)
  if (entries.length === 0 || latest !== (place === 'first')) return null
  const shown = entries.slice(-5).reverse()
  return (
    <div className="output-section clock-output">
      <h3>Clock</h3>
      <ol className="clock-entries" aria-label="Clock actions">
        {shown.map((entry) => (
          <li key={entry.id} className="clock-entry">
            <div className="clock-entry-head">
              <strong>{entry.action}</strong>
              <span className="muted">→ {formatClockTime(entry.report.now)}</span>
              {entry.reloaded && <span className="muted">(the pipeline was reloaded first: the clock started over)</span>}
            </div>
            <p className="small-text clock-fired">
              {entry.action.endsWith(' now') ? 'Ran the task' : `Fired: ${firedText(entry.report)}`}
              {entry.report.truncated && <span className="warn-text"> — stopped by a bound, more work is due</span>}
            </p>
            {entry.report.logs.length > 0 && <LogList logs={entry.report.logs} label={`Logs of ${entry.action}`} />}
          </li>
        ))}
      </ol>
    </div>
  )
}
