// Which event file the Debugger steps through, and what can be done with it: import a file, copy a
// read-only sample to the workspace, add / edit / duplicate / delete events of a workspace file.
import { useRef } from 'react'
import { useStore } from '../state/store.ts'
import { attempt, store } from '../state/studio-state.ts'
import { selectEventFile } from '../state/run-actions.ts'
import { Icon } from '../layout/icons.tsx'
import { deleteEvent, duplicateEvent, duplicateToWorkspace, importEventFile, startAdding, startEditing } from './event-file-actions.ts'

export function EventFileBar({ busy }: { busy: boolean }) {
  const eventFiles = useStore(store, (s) => s.eventFiles)
  const eventFileId = useStore(store, (s) => s.eventFileId)
  const total = useStore(store, (s) => s.events.length)
  const selected = useStore(store, (s) => s.selectedEvent)
  const picker = useRef<HTMLInputElement>(null)
  const file = eventFiles.find((f) => f.id === eventFileId)
  const samples = eventFiles.filter((f) => f.source === 'sample')
  const mine = eventFiles.filter((f) => f.source === 'workspace')
  const editable = file?.source === 'workspace'
  const hasEvent = total > 0 && selected < total
  return (
    <div className="event-file-bar">
      <div className="event-file-row">
        <label className="field inline event-file-select">
          <span>Events</span>
          <select aria-label="Event file" value={eventFileId ?? ''} onChange={(e) => attempt(selectEventFile(e.target.value))} disabled={busy}>
            {samples.length > 0 && (
              <optgroup label="Sample events (read-only)">
                {samples.map((f) => (
                  <option key={f.id} value={f.id}>
                    {f.name}
                  </option>
                ))}
              </optgroup>
            )}
            {mine.length > 0 && (
              <optgroup label="Workspace events">
                {mine.map((f) => (
                  <option key={f.id} value={f.id}>
                    {f.path ?? f.name}
                  </option>
                ))}
              </optgroup>
            )}
          </select>
        </label>
        <button type="button" className="small" onClick={() => picker.current?.click()} disabled={busy} title="Import JSON, JSON Lines or a CSV export from PostHog into the workspace's events/ folder">
          <Icon name="upload" />
          Import…
        </button>
        <input
          ref={picker}
          type="file"
          hidden
          aria-label="Import event file"
          accept=".json,.jsonl,.ndjson,.csv,application/json,text/csv"
          onChange={(e) => {
            const chosen = e.target.files?.[0]
            e.target.value = ''
            if (chosen) attempt(importEventFile(chosen))
          }}
        />
      </div>
      <div className="event-file-row event-actions" role="toolbar" aria-label="Event actions">
        {file && !editable && (
          <>
            <span className="muted small-text">Sample: read-only</span>
            <button type="button" className="small" onClick={() => attempt(duplicateToWorkspace())} disabled={busy}>
              Duplicate to workspace
            </button>
          </>
        )}
        {editable && (
          <>
            <button type="button" className="small" onClick={startAdding} disabled={busy} aria-label="Add event" title="Add an event after the selected one">
              <Icon name="plus" />
              Add
            </button>
            <button type="button" className="small" onClick={() => attempt(startEditing(selected))} disabled={busy || !hasEvent} aria-label="Edit event" title="Edit the selected event">
              <Icon name="pencil" />
              Edit
            </button>
            <button type="button" className="small" onClick={() => attempt(duplicateEvent(selected))} disabled={busy || !hasEvent} aria-label="Duplicate event" title="Insert a copy of the selected event after it">
              Duplicate
            </button>
            <button type="button" className="small" onClick={() => attempt(deleteEvent(selected))} disabled={busy || !hasEvent} aria-label="Delete event" title="Delete the selected event from the file">
              <Icon name="trash" />
              Delete
            </button>
          </>
        )}
      </div>
    </div>
  )
}
