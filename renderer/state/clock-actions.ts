// The Debugger's clock bar and state inspector: move the runtime's virtual clock ("+1 min", "+1 h",
// "Until idle"), run a plugin's scheduled task now, and keep the loaded pipeline's state (time,
// schedule, jobs, export buffer, cache, storage) fresh after every step, run, reset and clock move.
import type { ClockOutcome, PipelineState } from '../../common/protocol/studio.ts'
import type { ClockReport } from '../../common/protocol/runtime.ts'
import { studio } from './client.ts'
import { currentPipeline, runExclusive } from './run-actions.ts'
import { createStore } from './store.ts'
import { store, type RunPhase } from './studio-state.ts'
import { noteStep, type StepAction } from '../debugger/run-history.ts'

/** One clock action and what it did, for the Output pane. */
export interface ClockEntry {
  id: number
  /** What was asked: "+1 min", "Until idle", "runEveryMinute of Exporter now". */
  action: string
  report: ClockReport
  /** The pipeline was loaded again first (its clock started over). */
  reloaded: boolean
}

export interface ClockState {
  /** The loaded pipeline's state as last read; null before the first read. */
  pipeline: PipelineState | null
  /** The latest clock actions, oldest first (at most MAX_ENTRIES). */
  entries: ClockEntry[]
  /** Why the last state read failed, if it did. */
  error: string | null
  /** The latest thing done was a clock action (not a step or run since): Output shows it first. */
  latest: boolean
}

const MAX_ENTRIES = 20

export const clockStore = createStore<ClockState>({ pipeline: null, entries: [], error: null, latest: false })

let nextEntry = 1

function recordOutcome(action: string, outcome: ClockOutcome): void {
  const entry: ClockEntry = { id: nextEntry++, action, report: outcome.report, reloaded: outcome.reloaded }
  clockStore.set((s) => ({ pipeline: outcome.state, entries: [...(outcome.reloaded ? [] : s.entries), entry].slice(-MAX_ENTRIES), error: null, latest: true }))
  if (outcome.reloaded) store.set({ setup: outcome.setup, runRefusal: null })
}

async function clockAction(action: string, call: (plugins: string[]) => Promise<ClockOutcome>, step: StepAction): Promise<void> {
  await runExclusive('clock', async () => {
    const plugins = currentPipeline()
    if (!plugins) return
    const outcome = await call(plugins)
    recordOutcome(action, outcome)
    noteStep(step, outcome, outcome.report.now)
  })
}

export const MINUTE_MS = 60_000
export const HOUR_MS = 60 * MINUTE_MS

/** Moves the virtual clock forward by `ms` (loading the Debugger's pipeline first when needed). */
export function advanceClock(ms: number, label: string): Promise<void> {
  return clockAction(label, (plugins) => studio().advanceClock(ms, plugins), { kind: 'advance', ms, label })
}

/** Runs jobs, retries and export flushes until only the recurring schedule is left. */
export function runUntilIdle(): Promise<void> {
  return clockAction('Until idle', (plugins) => studio().runUntilIdle(plugins), { kind: 'untilIdle', label: 'Until idle' })
}

/** Runs a plugin's runEveryMinute/Hour/Day now. */
export function fireScheduled(plugin: string, pluginName: string, task: string): Promise<void> {
  const label = `${task} of ${pluginName} now`
  return clockAction(label, (plugins) => studio().fireScheduled(plugin, task, plugins), { kind: 'fire', plugin, task, label })
}

let refreshing: Promise<void> | null = null
let again = false

/** Reads the loaded pipeline's state again (never loads anything); overlapping calls collapse into one more read. */
export function refreshPipelineState(): Promise<void> {
  if (refreshing) {
    again = true
    return refreshing
  }
  refreshing = (async () => {
    do {
      again = false
      try {
        const pipeline = await studio().pipelineState()
        clockStore.set((s) => ({ pipeline, error: null, entries: startedOver(s, pipeline) ? [] : s.entries }))
      } catch (error) {
        clockStore.set({ error: error instanceof Error ? error.message : String(error) })
      }
    } while (again)
  })().finally(() => (refreshing = null))
  return refreshing
}

/**
 * The pipeline was loaded again since the clock actions shown (another plugin list, or its clock is
 * behind the last action's time: a run reloaded it after an edit): they belong to a clock that is gone.
 */
function startedOver(before: ClockState, after: PipelineState): boolean {
  const last = before.entries[before.entries.length - 1]
  if (!last) return false
  const ids = (p: PipelineState | null) => (p?.plugins ?? []).map((x) => x.plugin).join('\n')
  if (before.pipeline && ids(before.pipeline) !== ids(after)) return true
  return !after.time || Date.parse(after.time.now) < Date.parse(last.report.now)
}

/** Forgets the clock actions shown (Reset starts a new clock). */
export function clearClockEntries(): void {
  clockStore.set({ entries: [] })
}

// After every step, run, Run all and Reset the state changed: read it again once the work is done.
const REFRESH_AFTER: RunPhase[] = ['running', 'stepping', 'running-all', 'resetting']
let lastPhase: RunPhase = store.get().phase
store.subscribe(() => {
  const { phase, connection } = store.get()
  if (phase === lastPhase) return
  const was = lastPhase
  lastPhase = phase
  if (phase === 'resetting') clearClockEntries()
  if (REFRESH_AFTER.includes(phase) && clockStore.get().latest) clockStore.set({ latest: false })
  if (phase === 'idle' && REFRESH_AFTER.includes(was) && connection.status === 'ready') void refreshPipelineState()
})
