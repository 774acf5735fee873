// The Debugger pane's own UI state: the run filter, the event editor and the last import's report.
import type { PluginEvent } from '../../common/plugin/event.ts'
import type { ImportEventsResult } from '../../common/protocol/studio.ts'
import { createStore } from '../state/store.ts'
import { NO_FILTER, type RunFilter } from './run-filter.ts'

export interface EventEditing {
  /** `edit` replaces the event at `index`; `add` inserts a new one there. */
  mode: 'edit' | 'add'
  index: number
  event: PluginEvent | Record<string, unknown>
}

export interface DebuggerState {
  filter: RunFilter
  editing: EventEditing | null
  importReport: (ImportEventsResult & { fileName: string }) | null
}

export const debuggerStore = createStore<DebuggerState>({ filter: NO_FILTER, editing: null, importReport: null })
