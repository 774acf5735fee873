// Changing event files from the Debugger: import, duplicate a sample to the workspace, add, edit,
// duplicate and delete events of a workspace file. The backend writes the files (atomically); the
// list then reads the file again, and results are forgotten (indexes have moved).
import type { PluginEvent } from '../../common/plugin/event.ts'
import type { EventFileEdit, FileChange } from '../../common/protocol/studio.ts'
import { studio } from '../state/client.ts'
import { notify, store } from '../state/studio-state.ts'
import { forgetResults, selectEventFile } from '../state/run-actions.ts'
import { debuggerStore } from './debugger-store.ts'
import { eventsAt } from './event-pages.ts'

export function currentFile() {
  const { eventFiles, eventFileId } = store.get()
  return eventFiles.find((f) => f.id === eventFileId) ?? null
}

async function refreshList(select: string): Promise<void> {
  const eventFiles = await studio().listEventFiles()
  store.set({ eventFiles })
  await selectEventFile(select)
}

export async function importEventFile(file: File): Promise<void> {
  const text = await file.text()
  const result = await studio().importEventFile({ fileName: file.name, text })
  debuggerStore.set({ importReport: { ...result, fileName: file.name } })
  await refreshList(result.file.id)
}

export async function duplicateToWorkspace(): Promise<void> {
  const file = currentFile()
  if (!file) return
  const copy = await studio().duplicateEventFile(file.id)
  await refreshList(copy.id)
  notify('info', `Copied ${file.name} to ${copy.path}; its events can be edited there.`)
}

async function applyEdit(edit: EventFileEdit, select: number): Promise<void> {
  const file = currentFile()
  if (!file) return
  await studio().editEventFile(file.id, edit)
  await selectEventFile(file.id)
  forgetResults()
  const total = store.get().events.length
  store.set({ selectedEvent: Math.max(0, Math.min(select, total - 1)) })
}

export async function saveEditedEvent(mode: 'edit' | 'add', index: number, event: PluginEvent): Promise<void> {
  await applyEdit(mode === 'edit' ? { kind: 'replace', index, event } : { kind: 'insert', index, event }, index)
}

export async function duplicateEvent(index: number): Promise<void> {
  const [event] = await eventsAt(index, 1)
  if (event) await applyEdit({ kind: 'insert', index: index + 1, event }, index + 1)
}

export async function deleteEvent(index: number): Promise<void> {
  await applyEdit({ kind: 'delete', index }, index)
}

export async function startEditing(index: number): Promise<void> {
  const [event] = await eventsAt(index, 1)
  if (event) debuggerStore.set({ editing: { mode: 'edit', index, event } })
}

/** A new event after the selected one, prefilled like a web pageview. */
export function startAdding(): void {
  const { events, selectedEvent } = store.get()
  const index = events.length === 0 ? 0 : selectedEvent + 1
  const now = new Date().toISOString()
  debuggerStore.set({
    editing: {
      mode: 'add',
      index,
      event: {
        uuid: crypto.randomUUID(),
        event: '$pageview',
        distinct_id: 'user-1',
        timestamp: now,
        properties: { $current_url: 'https://example.com/', $browser: 'Chrome' },
      },
    },
  })
}

/** A new, empty-ish workspace event file to collect events in. */
export async function newEventFile(name: string): Promise<void> {
  const info = await studio().createEventFile(name, [{ uuid: crypto.randomUUID(), event: '$pageview', distinct_id: 'user-1', timestamp: new Date().toISOString(), properties: {} } as unknown as PluginEvent])
  await refreshList(info.id)
}

/** A file in the workspace's events/ folder changed outside the studio: list again, reread the shown one. */
export async function onEventFolderChange(change: FileChange): Promise<void> {
  if (!change.path.startsWith('events/')) return
  const eventFiles = await studio().listEventFiles()
  store.set({ eventFiles })
  const { eventFileId, phase } = store.get()
  if (eventFileId !== `workspace:${change.path}` || phase !== 'idle') return
  if (change.kind === 'deleted') {
    const first = eventFiles[0]
    if (first) await selectEventFile(first.id)
  } else {
    await selectEventFile(eventFileId)
  }
}
