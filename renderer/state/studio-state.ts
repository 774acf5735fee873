// Everything the UI shows that is not a Monaco model's text: one store for the whole studio.
import type {
  EventFileInfo,
  EventLineProblem,
  FileEntry,
  PluginConfigState,
  PluginSummary,
  StudioSettings,
  TemplateInfo,
  WorkspaceInfo,
} from '../../common/protocol/studio.ts'
import type { EventResult, PluginLoadResult } from '../../common/protocol/runtime.ts'
import type { PluginEvent } from '../../common/plugin/event.ts'
import { createStore } from './store.ts'

export type Connection = { status: 'connecting' } | { status: 'ready' } | { status: 'failed'; message: string } | { status: 'closed'; message: string }

export interface OpenFile {
  path: string
  dirty: boolean
}

export type RunPhase = 'idle' | 'running' | 'stepping' | 'running-all' | 'resetting' | 'saving' | 'clock'

export interface Notice {
  id: number
  kind: 'info' | 'error'
  text: string
}

export interface StudioState {
  connection: Connection
  workspace: WorkspaceInfo | null
  plugins: PluginSummary[]
  /** Files per plugin id, loaded when the plugin is expanded or selected. */
  files: Record<string, FileEntry[]>
  expanded: string[]
  /** The plugin being edited and run (a one-plugin pipeline). */
  selectedPlugin: string | null
  /** Plugins that run after the selected one in the Debugger's pipeline, in order (PostHog's plugin order). */
  pipelineExtras: string[]
  openFiles: OpenFile[]
  activePath: string | null
  /** Open files with unsaved edits that were also changed on disk by something else. */
  conflicts: string[]
  templates: TemplateInfo[]
  eventFiles: EventFileInfo[]
  eventFileId: string | null
  /**
   * The chosen file's events by index: as long as the file (`length` is its total) and filled a page
   * at a time as the list scrolls or a run needs them (renderer/debugger/event-pages.ts), so a file
   * of 100,000 events never crosses the socket at once. Holes are events not read yet.
   */
  events: PluginEvent[]
  /** Bumped whenever pages of `events` arrive (the array itself is filled in place). */
  eventsVersion: number
  /** Lines of the chosen file that are not events (named, skipped). */
  eventProblems: EventLineProblem[]
  /** The event Run and Save run; Step starts from `cursor`. */
  selectedEvent: number
  /** The next event Step runs. */
  cursor: number
  /** Results by event index. */
  results: Record<number, EventResult>
  /** Which event's result the Output pane shows. */
  shownResult: number | null
  setup: PluginLoadResult[]
  phase: RunPhase
  progress: { done: number; total: number; stopping?: boolean } | null
  lastRunMs: number | null
  settings: StudioSettings | null
  config: PluginConfigState | null
  /**
   * The message of the last run (or load) the backend refused because the plugin lacks a required
   * config value (`MISSING_CONFIG_ERROR`); null once a run goes through. Configuration and Output show it.
   */
  runRefusal: string | null
  dialog: null | 'newPlugin' | 'settings' | 'publish'
  notices: Notice[]
}

export const initialState: StudioState = {
  connection: { status: 'connecting' },
  workspace: null,
  plugins: [],
  files: {},
  expanded: [],
  selectedPlugin: null,
  pipelineExtras: [],
  openFiles: [],
  activePath: null,
  conflicts: [],
  templates: [],
  eventFiles: [],
  eventFileId: null,
  events: [],
  eventsVersion: 0,
  eventProblems: [],
  selectedEvent: 0,
  cursor: 0,
  results: {},
  shownResult: null,
  setup: [],
  phase: 'idle',
  progress: null,
  lastRunMs: null,
  settings: null,
  config: null,
  runRefusal: null,
  dialog: null,
  notices: [],
}

export const store = createStore<StudioState>(initialState)

let nextNotice = 1
/** Shows a short message in the status area; errors stay until dismissed. */
export function notify(kind: Notice['kind'], text: string): void {
  const id = nextNotice++
  store.set((s) => ({ notices: [...s.notices.slice(-4), { id, kind, text }] }))
  if (kind === 'info') setTimeout(() => dismissNotice(id), 4000)
}

export function dismissNotice(id: number): void {
  store.set((s) => ({ notices: s.notices.filter((n) => n.id !== id) }))
}

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

/** Runs an action from a click or key: its failure becomes an error notice instead of vanishing. */
export function attempt(work: Promise<unknown>): void {
  work.catch((error) => notify('error', errorText(error)))
}
