// The chosen event file, a page at a time: `store.events` is as long as the file and filled in place
// as pages arrive, so the list can scroll a 100,000-event file while only the rows on screen (and the
// events a run needs) cross the socket.
import type { PluginEvent } from '../../common/plugin/event.ts'
import { studio } from '../state/client.ts'
import { store } from '../state/studio-state.ts'

export const PAGE_SIZE = 200

/** Pages being read, by file and page number, so a page is asked for once. */
const inFlight = new Map<string, Promise<void>>()
/** Bumped when another file is chosen: late pages of the old one are dropped. */
let generation = 0

/** Opens an event file: its first page and its total. */
export async function openEventFile(id: string): Promise<void> {
  const mine = ++generation
  inFlight.clear()
  const started = performance.now()
  const file = await studio().readEventFile(id, { offset: 0, limit: PAGE_SIZE })
  if (mine !== generation) return
  const events: PluginEvent[] = new Array(file.total)
  file.events.forEach((event, i) => (events[i] = event))
  store.set((s) => ({ eventFileId: id, events, eventsVersion: s.eventsVersion + 1, eventProblems: file.problems, selectedEvent: 0 }))
  performance.measure('studio:event-file-opened', { start: started })
}

/** Makes sure events [from, from + count) are read; resolves when they are. */
export async function ensureEvents(from: number, count: number): Promise<void> {
  const { eventFileId: id, events } = store.get()
  if (!id) return
  const end = Math.min(events.length, from + count)
  const work: Promise<void>[] = []
  for (let page = Math.floor(Math.max(0, from) / PAGE_SIZE); page * PAGE_SIZE < end; page++) {
    const first = page * PAGE_SIZE
    if (events[first] !== undefined && events[Math.min(events.length, first + PAGE_SIZE) - 1] !== undefined) continue
    const key = `${id}#${page}`
    let pending = inFlight.get(key)
    if (!pending) {
      const mine = generation
      pending = studio()
        .readEventFile(id, { offset: first, limit: PAGE_SIZE })
        .then((file) => {
          if (mine !== generation) return
          const target = store.get().events
          file.events.forEach((event, i) => (target[file.offset + i] = event))
          store.set((s) => ({ eventsVersion: s.eventsVersion + 1 }))
        })
        .finally(() => inFlight.delete(key))
      inFlight.set(key, pending)
    }
    work.push(pending)
  }
  await Promise.all(work)
}

/** Events [from, from + count), read first when needed. */
export async function eventsAt(from: number, count: number): Promise<PluginEvent[]> {
  await ensureEvents(from, count)
  const { events } = store.get()
  return events.slice(from, Math.min(events.length, from + count)).filter((event) => event !== undefined)
}
