// Running events through the selected plugin: Run (the selected event), Step (the next one), Run all
// (the rest, with progress), Reset (reload the plugin, clear state). Runs happen one at a time.
import type { EventResult } from '../../common/protocol/runtime.ts'
import { MISSING_CONFIG_ERROR, RUN_INTERRUPTED_ERROR, type RunEventsRequest, type RunOutcome } from '../../common/protocol/studio.ts'
import { studio } from './client.ts'
import { errorText, notify, store, type RunPhase } from './studio-state.ts'
import { eventsAt, openEventFile } from '../debugger/event-pages.ts'
import { clearHistory, noteStep, travelToEvent } from '../debugger/run-history.ts'

/** Events per request during Run all: small enough for steady progress and a quick Stop, big enough to be quick. */
const RUN_ALL_CHUNK = 100

/** Set by Stop; Run all looks at it between batches. */
let stopRequested = false

let queue: Promise<unknown> = Promise.resolve()

/**
 * Settles once the action under way has sent its first run request (or has ended). Pause is
 * enabled as soon as a run starts, but the run may still be reading its event; a Pause that reached
 * the runtime before the events would find nothing to pause (debug-state.ts waits for this).
 */
let requested: Promise<void> = Promise.resolve()
/** The actions that send events to run (the others: the clock bar's, Reset). */
const EVENT_PHASES = new Set<RunPhase>(['running', 'stepping', 'running-all'])
let markRequested = () => {}
export function runRequested(): Promise<void> {
  return requested
}

/** studio().runEvents, noting that the action's events are on their way. */
function runEvents(request: RunEventsRequest): Promise<RunOutcome> {
  const outcome = studio().runEvents(request)
  markRequested()
  return outcome
}

/** Runs `work` after whatever runs now; the phase shows while it works. */
function serial<T>(phase: RunPhase, work: () => Promise<T>): Promise<T | undefined> {
  const next = queue.then(async () => {
    requested = EVENT_PHASES.has(phase) ? new Promise<void>((resolve) => (markRequested = resolve)) : Promise.resolve()
    store.set({ phase })
    try {
      return await work()
    } catch (error) {
      // A run refused for a missing config value shows in Configuration and Output, not as a notice.
      if ((error as Error | undefined)?.name === MISSING_CONFIG_ERROR) store.set({ runRefusal: errorText(error), shownResult: null, setup: [] })
      else notify('error', errorText(error))
      return undefined
    } finally {
      markRequested()
      store.set({ phase: 'idle', progress: null })
    }
  })
  queue = next
  return next
}

/** The same queue for other actions on the pipeline (the clock bar's): one thing at a time, with its phase. */
export function runExclusive<T>(phase: RunPhase, work: () => Promise<T>): Promise<T | undefined> {
  return serial(phase, work)
}

/** The pipeline the Debugger runs: the selected plugin, then the added ones (null, with a notice, when none is selected). */
export function currentPipeline(): string[] | null {
  return pipeline()
}

function pipeline(): string[] | null {
  const { selectedPlugin: plugin, pipelineExtras, plugins } = store.get()
  if (!plugin) {
    notify('error', 'Select a plugin first.')
    return null
  }
  return [plugin, ...pipelineExtras.filter((id) => id !== plugin && plugins.some((p) => p.id === id))]
}

function record(outcome: RunOutcome, firstIndex: number, elapsedMs: number): void {
  store.set((s) => {
    const results: Record<number, EventResult> = { ...s.results }
    outcome.results.forEach((result, i) => (results[firstIndex + i] = result))
    return { results, setup: outcome.setup, lastRunMs: Math.round(elapsedMs), runRefusal: null }
  })
}

/** Runs the selected event (F5, and after every save). */
export function run(): Promise<void> {
  return serial('running', async () => {
    const plugins = pipeline()
    const { selectedEvent } = store.get()
    if (!plugins) return
    const [event] = await eventsAt(selectedEvent, 1)
    if (!event) return notify('error', 'There is no event to run: pick an event file in the Debugger.')
    const started = performance.now()
    const outcome = await runEvents({ plugins, events: [event] })
    record(outcome, selectedEvent, performance.now() - started)
    noteStep({ kind: 'events', first: selectedEvent, count: 1, extra: true }, outcome)
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
    const [event] = await eventsAt(cursor, 1)
    const started = performance.now()
    const outcome = await runEvents({ plugins, events: [event] })
    record(outcome, cursor, performance.now() - started)
    noteStep({ kind: 'events', first: cursor, count: 1 }, outcome)
    store.set({ shownResult: cursor, selectedEvent: cursor, cursor: cursor + 1 })
  }).then(() => undefined)
}

/** Runs every event from the next one to the end, in batches; Stop ends it between two batches. */
export function runAll(): Promise<void> {
  stopRequested = false
  return serial('running-all', async () => {
    const plugins = pipeline()
    const { events, cursor: start } = store.get()
    if (!plugins) return
    if (start >= events.length) return notify('info', 'Every event has run. Reset to start again.')
    const total = events.length - start
    store.set({ progress: { done: 0, total } })
    const started = performance.now()
    let from = start
    while (from < events.length && !stopRequested) {
      const chunk = await eventsAt(from, RUN_ALL_CHUNK)
      let outcome: RunOutcome
      try {
        outcome = await runEvents({ plugins, events: chunk })
      } catch (error) {
        // The runtime died in this batch: the batches before it keep their results; say which events did not run.
        if ((error as Error | undefined)?.name !== RUN_INTERRUPTED_ERROR) throw error
        notify('error', notProcessedNotice(from, events.length, from - start))
        break
      }
      record(outcome, from, performance.now() - started)
      noteStep({ kind: 'events', first: from, count: chunk.length }, outcome)
      from += chunk.length
      store.set({ cursor: from, progress: { done: from - start, total } })
    }
    const last = from - 1
    if (stopRequested) notify('info', `Stopped after ${(from - start).toLocaleString()} of ${total.toLocaleString()} events.`)
    if (last >= start) store.set({ shownResult: last, selectedEvent: last })
  }).then(() => undefined)
}

/** Run all cut short by a runtime crash: which events (1-based, as the list shows them) did not run. */
export function notProcessedNotice(from: number, total: number, processed: number): string {
  const which = total - from === 1 ? `Event ${from + 1} was` : `Events ${(from + 1).toLocaleString()}–${total.toLocaleString()} were`
  return `Run all stopped: the plugin runtime process died. ${which} not processed${processed > 0 ? `; the ${processed.toLocaleString()} before ${total - from === 1 ? 'it' : 'them'} kept their results` : ''}. Step or Run all goes on from event ${(from + 1).toLocaleString()}.`
}

/** Asks a running Run all to stop after its current batch. */
export function stopRunAll(): void {
  if (store.get().phase !== 'running-all') return
  stopRequested = true
  store.set((s) => ({ progress: s.progress && { ...s.progress, stopping: true } }))
}

/**
 * Starts over: the plugins' cache, storage and globals cleared and the plugins loaded again in a
 * fresh runtime (setupPlugin runs again); every result forgotten, Step starts at the first event.
 */
export function reset(): Promise<void> {
  return serial('resetting', async () => {
    const plugins = pipeline()
    if (!plugins) return
    store.set({ results: {}, shownResult: null, cursor: 0, setup: [] })
    clearHistory()
    const outcome = await studio().resetPipeline({ plugins })
    store.set({ setup: outcome.setup, runRefusal: null })
    notify('info', `Reset: cleared ${outcome.cleared.join(', ')}; setupPlugin ran again.${outcome.notCleared.length ? ` Not cleared: ${outcome.notCleared.join('; ')}.` : ''}`)
  }).then(() => undefined)
}

export function forgetResults(): void {
  store.set({ results: {}, shownResult: null, cursor: 0, setup: [], runRefusal: null })
  clearHistory()
}

/** The user picked an event: show its result, and (time travel) the state after the step it ran in. */
export function showResult(index: number): void {
  store.set({ selectedEvent: index, shownResult: index })
  void travelToEvent(index)
}

export async function selectEventFile(id: string): Promise<void> {
  await openEventFile(id)
  forgetResults()
}
