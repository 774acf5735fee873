// Breakpoint debugging in the renderer: the workspace's breakpoints, the paused call (frames,
// scopes), watch expressions and their values, and the commands (Continue, Step over/into/out, Stop).
// The backend relays the runtime's inspector (common/protocol/debug.ts).
import type { DebugCommand, DebugProperty, DebugValue, StudioBreakpoint, StudioBreakpointState, StudioPaused } from '../../common/protocol/debug.ts'
import type { StudioClient } from '../state/client.ts'
import { studio } from '../state/client.ts'
import { runRequested } from '../state/run-actions.ts'
import { createStore } from '../state/store.ts'
import { errorText, notify } from '../state/studio-state.ts'

export interface WatchResult {
  expression: string
  value?: DebugValue
  error?: string
}

export interface DebugState {
  breakpoints: StudioBreakpointState[]
  paused: StudioPaused | null
  /** The frame shown (scopes, watches, evaluate), an index into paused.callFrames. */
  frame: number
  watches: string[]
  watchResults: WatchResult[]
  /** The evaluate box's answers, newest last. */
  console: { expression: string; value?: DebugValue; error?: string }[]
  /** A command sent and not answered by a pause or resume yet. */
  pending: DebugCommand | null
  devtools: { url: string; plugin: string } | null
}

const WATCHES_KEY = 'plugin-studio:watches'

export const debugStore = createStore<DebugState>({
  breakpoints: [],
  paused: null,
  frame: 0,
  watches: readWatches(),
  watchResults: [],
  console: [],
  pending: null,
  devtools: null,
})

function readWatches(): string[] {
  try {
    const saved = JSON.parse(localStorage.getItem(WATCHES_KEY) ?? '[]') as unknown
    return Array.isArray(saved) ? saved.filter((w): w is string => typeof w === 'string') : []
  } catch {
    return []
  }
}

/** Listens for pauses; call once the client is connected. */
export function initDebug(client: StudioClient, onPaused: (paused: StudioPaused) => void): void {
  client.on('debugPaused', (paused) => {
    debugStore.set({ paused, frame: 0, pending: null })
    onPaused(paused)
    void refreshWatches()
  })
  client.on('debugResumed', () => debugStore.set({ paused: null, frame: 0, pending: null, watchResults: [] }))
}

export async function loadBreakpoints(): Promise<void> {
  try {
    debugStore.set({ breakpoints: await studio().debugGetBreakpoints(), paused: null })
  } catch (error) {
    notify('error', `Could not read the breakpoints: ${errorText(error)}`)
  }
}

async function save(list: StudioBreakpoint[]): Promise<void> {
  // Shown at once; the backend's answer adds where each one landed.
  debugStore.set({ breakpoints: list.map((b) => ({ ...b, verified: false })) })
  const sent = JSON.stringify(list)
  try {
    const placed = await studio().debugSetBreakpoints(list)
    // An edit may have moved them meanwhile: the newer list wins (it is sent when saved).
    if (JSON.stringify(plain(debugStore.get().breakpoints)) === sent) debugStore.set({ breakpoints: placed })
  } catch (error) {
    notify('error', `Could not set the breakpoints: ${errorText(error)}`)
  }
}

function plain(list: StudioBreakpointState[]): StudioBreakpoint[] {
  return list.map((b) => ({ file: b.file, line: b.line, ...(b.condition ? { condition: b.condition } : {}) }))
}

/**
 * Breakpoints moved with their lines by an edit: shown at once, the moved ones as not placed yet. The
 * backend gets them with syncBreakpoints once the file is saved (the loaded code is the saved text).
 */
export function followLines(list: StudioBreakpoint[]): void {
  const before = debugStore.get().breakpoints
  debugStore.set({ breakpoints: list.map((b) => before.find((s) => s.file === b.file && s.line === b.line) ?? { ...b, verified: false }) })
}

/** Sends the breakpoints as shown (after followLines) to the backend. */
export function syncBreakpoints(): Promise<void> {
  return save(plain(debugStore.get().breakpoints))
}

export function breakpointAt(file: string, line: number): StudioBreakpointState | undefined {
  return debugStore.get().breakpoints.find((b) => b.file === file && b.line === line)
}

/** Adds a breakpoint on the line, or removes the one that is there. */
export function toggleBreakpoint(file: string, line: number): Promise<void> {
  const list = plain(debugStore.get().breakpoints)
  const at = list.findIndex((b) => b.file === file && b.line === line)
  if (at >= 0) list.splice(at, 1)
  else list.push({ file, line })
  return save(list)
}

/** Sets (or with an empty condition, clears) the condition of the breakpoint on the line, adding it if needed. */
export function setCondition(file: string, line: number, condition: string): Promise<void> {
  const list = plain(debugStore.get().breakpoints).filter((b) => !(b.file === file && b.line === line))
  list.push({ file, line, ...(condition.trim() ? { condition: condition.trim() } : {}) })
  return save(list)
}

export function removeBreakpoint(file: string, line: number): Promise<void> {
  return save(plain(debugStore.get().breakpoints).filter((b) => !(b.file === file && b.line === line)))
}

export async function debugCommand(command: DebugCommand): Promise<void> {
  if (command !== 'pause' && !debugStore.get().paused && command !== 'stop') return
  debugStore.set({ pending: command })
  try {
    if (command === 'pause') await runRequested()
    await studio().debugCommand(command)
    // A pause is answered before the call stops (or not at all when the call ended first).
    if (command === 'pause' && debugStore.get().pending === 'pause') debugStore.set({ pending: null })
  } catch (error) {
    debugStore.set({ pending: null })
    notify('error', `Debugger: ${errorText(error)}`)
  }
}

function frameId(): string | null {
  const { paused, frame } = debugStore.get()
  return paused?.callFrames[frame]?.id ?? null
}

export function selectFrame(frame: number): void {
  debugStore.set({ frame })
  void refreshWatches()
}

export async function refreshWatches(): Promise<void> {
  const id = frameId()
  const { watches } = debugStore.get()
  if (!id) return debugStore.set({ watchResults: watches.map((expression) => ({ expression })) })
  const results = await Promise.all(
    watches.map(async (expression): Promise<WatchResult> => {
      try {
        return { expression, ...(await studio().debugEvaluate(id, expression)) }
      } catch (error) {
        return { expression, error: errorText(error) }
      }
    }),
  )
  if (frameId() === id) debugStore.set({ watchResults: results })
}

export function addWatch(expression: string): void {
  const text = expression.trim()
  if (!text) return
  const watches = [...debugStore.get().watches.filter((w) => w !== text), text]
  localStorage.setItem(WATCHES_KEY, JSON.stringify(watches))
  debugStore.set({ watches })
  void refreshWatches()
}

export function removeWatch(expression: string): void {
  const watches = debugStore.get().watches.filter((w) => w !== expression)
  localStorage.setItem(WATCHES_KEY, JSON.stringify(watches))
  debugStore.set({ watches, watchResults: debugStore.get().watchResults.filter((w) => w.expression !== expression) })
}

export async function evaluateInFrame(expression: string): Promise<void> {
  const id = frameId()
  if (!id || !expression.trim()) return
  try {
    const answer = await studio().debugEvaluate(id, expression)
    debugStore.set((s) => ({ console: [...s.console, { expression, ...answer }].slice(-50) }))
  } catch (error) {
    debugStore.set((s) => ({ console: [...s.console, { expression, error: errorText(error) }].slice(-50) }))
  }
}

export function getProperties(objectId: string): Promise<DebugProperty[]> {
  return studio().debugGetProperties(objectId)
}

export async function openDevtools(): Promise<void> {
  try {
    const { url, plugin } = await studio().debugDevtools(debugStore.get().paused?.plugin)
    debugStore.set({ devtools: { url, plugin } })
  } catch (error) {
    notify('error', `Chrome DevTools: ${errorText(error)}`)
  }
}

/** A value as one line of text, as a debugger shows it. */
export function describeValue(v: DebugValue | undefined): string {
  if (!v) return 'undefined'
  if (v.unserializable) return v.unserializable
  if (v.type === 'string') return JSON.stringify(v.value)
  if (v.type === 'undefined') return v.description ?? 'undefined'
  if ('value' in v && (v.type !== 'object' || v.value === null)) return String(v.value)
  return v.description ?? v.type
}
