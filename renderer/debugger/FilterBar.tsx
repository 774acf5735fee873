// Filter and search over the run: text (event name, distinct_id, properties, logs), a log level,
// errors only, dropped only; and the export of the run (or the filtered part of it) as JSON Lines.
import { useMemo } from 'react'
import { useStore } from '../state/store.ts'
import { notify, store } from '../state/studio-state.ts'
import type { LogLevel } from '../../common/plugin/event.ts'
import { debuggerStore } from './debugger-store.ts'
import { filterRun, isFiltering, NO_FILTER, type RunFilter } from './run-filter.ts'
import { download, runToJsonLines } from './run-export.ts'

const LEVELS: LogLevel[] = ['debug', 'log', 'info', 'warn', 'error']

function update(patch: Partial<RunFilter>): void {
  debuggerStore.set((s) => ({ filter: { ...s.filter, ...patch } }))
}

function exportRun(): void {
  const { results, eventFiles, eventFileId } = store.get()
  const { filter } = debuggerStore.get()
  const indexes = isFiltering(filter) ? filterRun(results, filter) : undefined
  const text = runToJsonLines(results, indexes)
  if (!text) return notify('info', 'Nothing has run yet: Step or Run all first.')
  const base = (eventFiles.find((f) => f.id === eventFileId)?.name ?? 'events').replace(/\.[^.]*$/, '')
  const stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19)
  download(`run-${base}-${stamp}.jsonl`, text)
}

/** Downloads the run (the filtered part while filtering) as JSON Lines. */
export function ExportRunButton() {
  const ran = useStore(store, (s) => Object.keys(s.results).length)
  return (
    <button type="button" className="small export-run" onClick={exportRun} disabled={ran === 0} title="Download the run's events, outputs, logs and stages as JSON Lines (only the matching ones while filtering)">
      Export run
    </button>
  )
}

export function FilterBar() {
  const filter = useStore(debuggerStore, (s) => s.filter)
  const results = useStore(store, (s) => s.results)
  const ran = Object.keys(results).length
  const filtering = isFiltering(filter)
  const matching = useMemo(() => (filtering ? filterRun(results, filter).length : 0), [filtering, results, filter])
  return (
    <div className="filter-bar" role="search" aria-label="Filter the run">
      <input type="search" placeholder="Search the run: name, distinct_id, properties, logs" aria-label="Search the run" value={filter.text} onChange={(e) => update({ text: e.target.value })} />
      <div className="filter-row">
        <select aria-label="Log level" value={filter.level} onChange={(e) => update({ level: e.target.value as RunFilter['level'] })}>
          <option value="">Any log level</option>
          {LEVELS.map((level) => (
            <option key={level} value={level}>
              {level} logs
            </option>
          ))}
        </select>
        <label className="check">
          <input type="checkbox" checked={filter.errorsOnly} onChange={(e) => update({ errorsOnly: e.target.checked })} />
          Errors only
        </label>
        <label className="check">
          <input type="checkbox" checked={filter.droppedOnly} onChange={(e) => update({ droppedOnly: e.target.checked })} />
          Dropped only
        </label>
        {filtering && (
          <>
            <span className="muted filter-count" aria-live="polite">
              {matching.toLocaleString()} of {ran.toLocaleString()} match
            </span>
            <button type="button" className="link-button" onClick={() => debuggerStore.set({ filter: NO_FILTER })}>
              Clear
            </button>
          </>
        )}
      </div>
    </div>
  )
}
