// The Debugger's time travel and "Save as test" part of the studio contract (UI ↔ backend): the state
// the backend kept after each step, and a recorded run written as a jest test in the plugin's folder.
import type { EventResult } from './runtime.ts'
import type { PipelineState } from './studio.ts'

export const HISTORY_METHODS = ['stepState', 'saveRunAsTest'] as const

/** The pipeline's state as it was right after one step (a Step, a Run all batch, a clock action). */
export interface StepState {
  /** The id RunOutcome.snapshot / ClockOutcome.snapshot gave. */
  snapshot: number
  state: PipelineState
}

export interface SaveTestRequest {
  /** The plugin whose folder gets the test; its stages in `results` become the expectations. */
  plugin: string
  /** The run's results in order (the studio sends at most MAX_RECORDED_EVENTS). */
  results: EventResult[]
  /** The virtual clock's time when each result ran (ISO), for the test's Date; absent: the clock's start. */
  times?: (string | null)[]
  /** The file name in the plugin folder; absent: `recorded-run.test.<ts|js>`, or `-2`, `-3`… when taken. */
  fileName?: string
}

export interface SaveTestResult {
  /** Workspace-relative path of the written test file. */
  path: string
  /** How many events became test cases. */
  events: number
  /** What the test cannot check (e.g. exportEvents, secret config values left out). */
  notes: string[]
}

/** At most this many events of a run go into one test file (a test of 10,000 cases helps nobody). */
export const MAX_RECORDED_EVENTS = 100

/** `error.name` when the test file asked for already exists (nothing is written). */
export const FILE_EXISTS_ERROR = 'FileExistsError'

export type HistoryMethods = {
  /**
   * The state kept after a step. The studio keeps the latest snapshots within a memory budget; an
   * older one is refused with a message saying it is no longer kept. Reset forgets them all.
   */
  stepState(snapshot: number): Promise<StepState>
  /** Writes the run as a jest test (temp file + rename; never over an existing file). */
  saveRunAsTest(request: SaveTestRequest): Promise<SaveTestResult>
}
