// The Debugger run's steps, in order — each Step, each Run all batch and each clock action — with
// the id of the state the backend kept after it (stepState). Selecting an event that ran in an
// earlier step shows that step's state in the inspector (time travel); "Rerun from here" replays the
// steps (renderer/debugger/rerun.ts). Single runs of the selected event (F5, the run after a save)
// are marked `extra`: they are not part of the stepping sequence and are not replayed.
import type { PipelineState } from '../../common/protocol/studio.ts'
import { studio } from '../state/client.ts'
import { createStore } from '../state/store.ts'
import { errorText } from '../state/studio-state.ts'

export type StepAction =
  | { kind: 'events'; first: number; count: number; extra?: boolean }
  | { kind: 'advance'; ms: number; label: string }
  | { kind: 'untilIdle'; label: string }
  | { kind: 'fire'; plugin: string; task: string; label: string }

export interface StepEntry {
  action: StepAction
  /** The backend's id of the state after this step; null when none was kept. */
  snapshot: number | null
  /** The runtime clock after the step (ISO), when known. */
  time: string | null
}

export interface TimeTravel {
  /** Index into `entries` of the step shown. */
  entry: number
  state: PipelineState | null
  error: string | null
}

export interface HistoryState {
  entries: StepEntry[]
  /** The earlier step whose state the inspector shows; null: the live state. */
  travel: TimeTravel | null
}

export const historyStore = createStore<HistoryState>({ entries: [], travel: null })

export function noteStep(action: StepAction, outcome: { snapshot?: number | null }, time: string | null = null): void {
  historyStore.set((s) => ({ entries: [...s.entries, { action, snapshot: outcome.snapshot ?? null, time }], travel: null }))
}

export function clearHistory(): void {
  historyStore.set({ entries: [], travel: null })
}

/** Shows the live state again. */
export function backToNow(): void {
  historyStore.set({ travel: null })
}

/** The stepping-sequence entry (not an extra run) in which event `index` last ran; -1 when none. */
export function stepOfEvent(entries: readonly StepEntry[], index: number): number {
  for (let i = entries.length - 1; i >= 0; i--) {
    const a = entries[i].action
    if (a.kind === 'events' && !a.extra && index >= a.first && index < a.first + a.count) return i
  }
  return -1
}

/** How a step reads in the UI: "step 3 (event 3)", "step 4 (events 101–200)", "step 5 (+1 min)". */
export function describeStep(entries: readonly StepEntry[], i: number): string {
  const a = entries[i].action
  const n = entries.slice(0, i + 1).filter((e) => !(e.action.kind === 'events' && e.action.extra)).length
  if (a.kind === 'events') return `step ${n} (${a.count === 1 ? `event ${a.first + 1}` : `events ${(a.first + 1).toLocaleString()}–${(a.first + a.count).toLocaleString()}`})`
  return `step ${n} (${a.label})`
}

let travelRequest = 0

/**
 * The user picked event `index`: when it ran in a step that is not the latest, show the state after
 * that step (read from the backend); otherwise the live state.
 */
export async function travelToEvent(index: number): Promise<void> {
  const { entries } = historyStore.get()
  const i = stepOfEvent(entries, index)
  if (i < 0 || i === entries.length - 1) return backToNow()
  const entry = entries[i]
  const request = ++travelRequest
  if (entry.snapshot === null) {
    const error = 'No state was kept after this Run all batch: copying a state this big after every batch would slow the run down. A neighbouring step has one.'
    return historyStore.set({ travel: { entry: i, state: null, error } })
  }
  historyStore.set({ travel: { entry: i, state: null, error: null } })
  try {
    const { state } = await studio().stepState(entry.snapshot)
    if (request === travelRequest) historyStore.set({ travel: { entry: i, state, error: null } })
  } catch (error) {
    if (request === travelRequest) historyStore.set({ travel: { entry: i, state: null, error: errorText(error) } })
  }
}
