// Running events through the selected plugin: Run (the selected event), Step (the next one), Run all
// (the rest, with progress), Reset (reload the plugin, clear state). Runs happen one at a time.
import type { EventResult } from '../../common/protocol/runtime.ts'
import type { RunOutcome } from '../../common/protocol/studio.ts'
import { studio } from './client.ts'
import { errorText, notify, store, type RunPhase } from './studio-state.ts'

/** Events per request during Run all: small enough for steady progress, big enough to be quick. */
const RUN_ALL_CHUNK = 20

let queue: Promise<unknown> = Promise.resolve()

/** Runs `work` after whatever runs now; the phase shows while it works. */
function serial<T>(phase: RunPhase, work: () => Promise<T>): Promise<T | undefined> {
  const next = queue.then(async () => {
    store.set({ phase })
    try {
      return await work()
    } catch (error) {
      notify('error', errorText(error))
      return undefined
    } finally {
      store.set({ phase: 'idle', progress: null })
    }
  })
  queue = next
  return next
}

function pipeline(): string[] | null {
  const plugin = store.get().selectedPlugin
  if (!plugin) {
    notify('error', 'Select a plugin first.')
    return null
  }
  return [plugin]
}

function record(outcome: RunOutcome, firstIndex: number, elapsedMs: number): void {
  store.set((s) => {
    const results: Record<number, EventResult> = { ...s.results }
    outcome.results.forEach((result, i) => (results[firstIndex + i] = result))
    return { results, setup: outcome.setup, lastRunMs: Math.round(elapsedMs) }
  })
}

/** Runs the selected event (F5, and after every save). */
export function run(): Promise<void> {
  return serial('running', async () => {
    const plugins = pipeline()
    const { events, selectedEvent } = store.get()
    const event = events[selectedEvent]
    if (!plugins) return
    if (!event) return notify('error', 'There is no event to run: pick an event file in the Debugger.')
    const started = performance.now()
    const outcome = await studio().runEvents({ plugins, events: [event] })
    record(outcome, selectedEvent, performance.now() - started)
    store.set({ shownResult: selectedEvent })
  }).then(() => undefined)
}

/** Runs the next event of the list (F10). */
export function step(): Promise<void> {
  return serial('stepping', async () => {
    const plugins = pipeline()
    const { events, cursor } = store.get()
    if (!plugins) return
    if (cursor >= events.length) return notify('info', 'Every event has run. Reset to start again.')
    const started = performance.now()
    const outcome = await studio().runEvents({ plugins, events: [events[cursor]] })
    record(outcome, cursor, performance.now() - started)
    store.set({ shownResult: cursor, selectedEvent: cursor, cursor: cursor + 1 })
  }).then(() => undefined)
}

/** Runs every event from the next one to the end. */
export function runAll(): Promise<void> {
  return serial('running-all', async () => {
    const plugins = pipeline()
    const { events, cursor: start } = store.get()
    if (!plugins) return
    if (start >= events.length) return notify('info', 'Every event has run. Reset to start again.')
    const total = events.length - start
    store.set({ progress: { done: 0, total } })
    const started = performance.now()
    for (let from = start; from < events.length; from += RUN_ALL_CHUNK) {
      const chunk = events.slice(from, from + RUN_ALL_CHUNK)
      const outcome = await studio().runEvents({ plugins, events: chunk })
      record(outcome, from, performance.now() - started)
      store.set({ cursor: from + chunk.length, progress: { done: from + chunk.length - start, total } })
    }
    const last = events.length - 1
    store.set((s) => ({ shownResult: last, selectedEvent: last, cursor: events.length, results: s.results }))
  }).then(() => undefined)
}

/** Reloads the plugin from scratch (teardown, new isolate, setupPlugin) and forgets every result. */
export function reset(): Promise<void> {
  return serial('resetting', async () => {
    const plugins = pipeline()
    if (!plugins) return
    await studio().unloadPlugins()
    store.set({ results: {}, shownResult: null, cursor: 0, setup: [] })
    const outcome = await studio().loadPlugins({ plugins })
    store.set({ setup: outcome.setup })
  }).then(() => undefined)
}

export function forgetResults(): void {
  store.set({ results: {}, shownResult: null, cursor: 0, setup: [] })
}

export function showResult(index: number): void {
  store.set({ selectedEvent: index, shownResult: index })
}

export async function selectEventFile(id: string): Promise<void> {
  const file = await studio().readEventFile(id)
  store.set({ eventFileId: id, events: file.events, selectedEvent: 0 })
  forgetResults()
}
