// Time travel: which step the selected event ran in, whether the inspector shows the state after
// that step (an earlier one) or the latest, "Back to now", and "Rerun from here" (replay the run's
// steps from that one with the current code).
import './time-travel.css'
import { useStore } from '../state/store.ts'
import { store } from '../state/studio-state.ts'
import { formatClockTime } from './ClockBar.tsx'
import { backToNow, describeStep, historyStore, stepOfEvent } from './run-history.ts'
import { rerunFrom } from './rerun.ts'

export function TimeTravelBar({ busy }: { busy: boolean }) {
  const entries = useStore(historyStore, (s) => s.entries)
  const travel = useStore(historyStore, (s) => s.travel)
  const selected = useStore(store, (s) => s.selectedEvent)
  const i = travel ? travel.entry : stepOfEvent(entries, selected)
  if (i < 0 || !entries[i]) return null
  const steps = entries.filter((e) => !(e.action.kind === 'events' && e.action.extra)).length
  const step = describeStep(entries, i)
  const now = travel?.state?.time?.now ?? null
  return (
    <div className={`time-travel ${travel ? 'travelling' : ''}`} role="group" aria-label="Time travel">
      <span className="time-travel-text" data-testid="time-travel-step">
        {travel ? (
          <>
            State after <strong>{step}</strong> of {steps}
          </>
        ) : (
          <>
            Event {selected + 1} ran in {step} of {steps} · <span className="muted">latest state shown</span>
          </>
        )}
      </span>
      {now && (
        <span className="muted small-text">
          clock{' '}
          <time dateTime={now} data-testid="time-travel-clock">
            {formatClockTime(now)}
          </time>
        </span>
      )}
      {travel && !travel.state && !travel.error && <span className="muted small-text">reading…</span>}
      {travel?.error && <span className="error-text small-text">{travel.error}</span>}
      <div className="button-group time-travel-buttons">
        {travel && (
          <button type="button" className="small" onClick={backToNow}>
            Back to now
          </button>
        )}
        <button type="button" className="small" disabled={busy} onClick={() => void rerunFrom(i)} title="Start over with the current code: replay the steps before this one, then this step and every later one (their results are replaced)">
          Rerun from here
        </button>
      </div>
    </div>
  )
}
