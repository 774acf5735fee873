// "Rerun from here": the run's steps replayed with the current code (after an edit). The pipeline
// is reset (a fresh runtime: cache, storage, globals and the clock start over; setupPlugin runs
// again), the steps before the chosen one are replayed silently to rebuild the state, then the
// chosen step and every later one run again and their results replace the old ones. Replaying, not
// restoring a snapshot: a plugin's `global` (closures, class instances), the isolate's memory, the
// job queue and the export buffer's timers cannot be put back faithfully; with the virtual clock the
// replay is deterministic. See ARCHITECTURE.md ("Time travel").
import type { EventResult } from '../../common/protocol/runtime.ts'
import { RUN_INTERRUPTED_ERROR, type RunOutcome } from '../../common/protocol/studio.ts'
import { studio } from '../state/client.ts'
import { clockStore } from '../state/clock-actions.ts'
import { currentPipeline, runExclusive } from '../state/run-actions.ts'
import { notify, store } from '../state/studio-state.ts'
import { eventsAt } from './event-pages.ts'
import { clearHistory, describeStep, historyStore, noteStep, type StepEntry } from './run-history.ts'

/** Events per request while replaying (as Run all). */
const CHUNK = 100

export function rerunFrom(entryIndex: number): Promise<void> {
  return runExclusive('resetting', async () => {
    const plugins = currentPipeline()
    if (!plugins) return
    const before = historyStore.get().entries
    const target = before[entryIndex]
    if (!target) return notify('error', 'That step is not part of this run any more.')
    const label = describeStep(before, entryIndex)
    const steps = before.filter((e) => !(e.action.kind === 'events' && e.action.extra))
    const from = steps.indexOf(target)
    const total = steps.reduce((n, e) => n + (e.action.kind === 'events' ? e.action.count : 1), 0)
    let done = 0
    store.set({ progress: { done, total } })
    clearHistory()
    const reset = await studio().resetPipeline({ plugins })
    let setup = reset.setup
    const results: Record<number, EventResult> = {}
    for (const step of steps) {
      const a = step.action
      if (a.kind === 'events') {
        for (let first = a.first; first < a.first + a.count; first += CHUNK) {
          const events = await eventsAt(first, Math.min(CHUNK, a.first + a.count - first))
          let outcome: RunOutcome
          try {
            outcome = await studio().runEvents({ plugins, events })
          } catch (error) {
            if ((error as Error | undefined)?.name !== RUN_INTERRUPTED_ERROR) throw error
            // The runtime died: what was rerun so far is shown; this batch and the steps after it were not rerun.
            store.set((s) => ({ results: { ...s.results, ...results }, setup, runRefusal: null }))
            const which = events.length === 1 ? `Event ${first + 1}` : `Events ${first + 1}–${first + events.length}`
            return notify('error', `Rerun stopped: the plugin runtime process died. ${which} and the steps after ${events.length === 1 ? 'it' : 'them'} were not rerun (they show their earlier results).`)
          }
          outcome.results.forEach((r, i) => (results[first + i] = r))
          setup = outcome.setup
          if (first + CHUNK >= a.first + a.count) noteStep(a, outcome)
          done += events.length
          store.set({ progress: { done, total } })
        }
      } else {
        const outcome =
          a.kind === 'advance' ? await studio().advanceClock(a.ms, plugins) : a.kind === 'untilIdle' ? await studio().runUntilIdle(plugins) : await studio().fireScheduled(a.plugin, a.task, plugins)
        noteStep(a, outcome, outcome.report.now)
        clockStore.set({ pipeline: outcome.state })
        done += 1
        store.set({ progress: { done, total } })
      }
    }
    const shown = target.action.kind === 'events' ? target.action.first : store.get().selectedEvent
    store.set((s) => ({ results: { ...s.results, ...results }, setup, runRefusal: null, selectedEvent: shown, shownResult: shown }))
    notify('info', `Reran from ${label} with the current code${from > 0 ? ` (the ${from} step${from === 1 ? '' : 's'} before it replayed first)` : ''}.`)
  }).then(() => undefined)
}

/** The entries the history holds, for callers that only need to know whether a rerun is possible. */
export function canRerun(entries: readonly StepEntry[], index: number): boolean {
  const e = entries[index]
  return !!e && !(e.action.kind === 'events' && e.action.extra)
}
