// The Debugger's breakpoint part of the studio contract (UI ↔ backend): breakpoints in the plugins'
// own source files, the paused call's frames, scopes and values, and an external DevTools endpoint.
// The backend relays the runtime protocol's debug* methods (common/protocol/runtime.ts) and turns
// the runtime's absolute file paths into workspace-relative ones.
import type { DebugCommand, DebugProperty, DebugValue } from './runtime.ts'

export type { DebugCommand, DebugProperty, DebugValue } from './runtime.ts'

export const DEBUG_METHODS = ['debugGetBreakpoints', 'debugSetBreakpoints', 'debugCommand', 'debugEvaluate', 'debugGetProperties', 'debugDevtools'] as const

/** A breakpoint on a workspace file (`my-plugin/index.ts`), 1-based line. */
export interface StudioBreakpoint {
  file: string
  line: number
  /** A JavaScript expression; the breakpoint pauses only when it is truthy. */
  condition?: string
}

export interface StudioBreakpointState extends StudioBreakpoint {
  /** False until a loaded plugin's code holds the line (or when no code is there). */
  verified: boolean
  /** The line it really stops on (a blank or comment line moves down to code). */
  actualLine?: number
}

export interface StudioCallFrame {
  id: string
  functionName: string
  /** Workspace-relative file. */
  file: string
  line: number
  column: number
  scopes: { type: string; name?: string; objectId: string }[]
}

export interface StudioPaused {
  plugin: string
  reason: string
  hitBreakpoints: StudioBreakpoint[]
  callFrames: StudioCallFrame[]
}

export type DebugEvents = {
  /** A plugin call stopped at a breakpoint or after a step (the Step/Run all request waits meanwhile). */
  debugPaused: StudioPaused
  /** It goes on (continue, a step under way, stop). */
  debugResumed: { plugin: string }
}

export type DebugMethods = {
  /** The workspace's breakpoints (kept in `.plugin-studio/breakpoints.json`). */
  debugGetBreakpoints(): Promise<StudioBreakpointState[]>
  /** Replaces every breakpoint; stored, and placed in the loaded pipeline (which runs in debug mode). */
  debugSetBreakpoints(breakpoints: StudioBreakpoint[]): Promise<StudioBreakpointState[]>
  /** Continue, Step over/into/out, pause, or Stop debugging (the call goes on with breakpoints off until they change). */
  debugCommand(command: DebugCommand): Promise<void>
  /** Evaluates an expression in a paused frame (watch expressions, the evaluate box). */
  debugEvaluate(callFrameId: string, expression: string): Promise<{ value: DebugValue; error?: string }>
  /** An object's or scope's own properties (expanding a variable). */
  debugGetProperties(objectId: string): Promise<DebugProperty[]>
  /**
   * A Chrome DevTools endpoint for the loaded pipeline's plugin (the first when absent): a WebSocket on
   * 127.0.0.1 with a random token in its path, relayed to a session of its own on that isolate.
   */
  debugDevtools(plugin?: string): Promise<{ url: string; ws: string; plugin: string }>
}
