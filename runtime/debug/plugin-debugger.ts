// The inspector session on one plugin's isolate in debug mode: places the studio's breakpoints
// (source file:line → the compiled script's line), hides the runtime's own scripts
// (plugin-studio:*) from pauses and steps, and turns V8's paused call frames back into the plugin's
// file and line.
import type ivm from 'isolated-vm'
import type { DebugBreakpoint, DebugBreakpointState, DebugCallFrame, DebugPaused, DebugProperty, DebugValue } from '../../common/protocol/runtime.ts'
import { DebugCalls } from './debug-calls.ts'
import { InspectorClient } from './inspector-client.ts'
import type { Notification } from './inspector-client.ts'
import type { SourceLines } from './source-lines.ts'

/** The runtime's own scripts: blackboxed, so pauses and steps never land in them. */
const RUNTIME_SCRIPTS = '^plugin-studio:'

interface CdpRemoteObject {
  type: string
  subtype?: string
  className?: string
  description?: string
  value?: unknown
  unserializableValue?: string
  objectId?: string
}

interface CdpCallFrame {
  callFrameId: string
  functionName: string
  url: string
  location: { scriptId: string; lineNumber: number; columnNumber?: number }
  scopeChain: { type: string; name?: string; object: CdpRemoteObject }[]
}

export interface PluginDebuggerOptions {
  plugin: string
  /** Prefix of this session's frame and object ids (they name the isolate they belong to). */
  slot: string
  isolate: ivm.Isolate
  scriptName: string
  /**
   * Compiled line (0-based, esbuild's output) → the script's line as V8 numbers it: the script starts
   * with one wrapper line and runs with compile.ts's lineOffset.
   */
  lineShift: number
  lines: SourceLines
  onPaused: (paused: DebugPaused) => void
  onResumed: () => void
}

export class PluginDebugger {
  readonly plugin: string
  readonly slot: string
  readonly isolate: ivm.Isolate
  readonly inspector: InspectorClient
  readonly calls: DebugCalls
  private readonly o: PluginDebuggerOptions
  /** CDP breakpoint id → the studio's breakpoint. */
  private placed = new Map<string, DebugBreakpoint>()
  /** The plugin script's ids (a paused frame's `url` is empty: the id says whose code it is). */
  private readonly pluginScripts = new Set<string>()
  private readonly ready: Promise<void>

  constructor(options: PluginDebuggerOptions) {
    this.o = options
    this.plugin = options.plugin
    this.slot = options.slot
    this.isolate = options.isolate
    const inspector = new InspectorClient(options.isolate)
    this.inspector = inspector
    this.calls = new DebugCalls(options.isolate, inspector)
    inspector.onNotification((n) => this.onNotification(n))
    this.ready = (async () => {
      await inspector.send('Debugger.enable')
      await inspector.send('Debugger.setBlackboxPatterns', { patterns: [RUNTIME_SCRIPTS] }).catch(() => undefined)
    })()
  }

  get paused(): boolean {
    return this.calls.paused
  }

  /** Replaces this plugin's breakpoints with the ones in its own files; answers those. */
  setBreakpoints(list: DebugBreakpoint[], active: boolean): Promise<DebugBreakpointState[]> {
    // One replacement at a time: the attach's own and the studio's must not interleave.
    const run = this.queue.then(() => this.replaceBreakpoints(list, active))
    this.queue = run.catch(() => undefined)
    return run
  }

  private queue: Promise<unknown> = Promise.resolve()

  private async replaceBreakpoints(list: DebugBreakpoint[], active: boolean): Promise<DebugBreakpointState[]> {
    await this.ready
    for (const id of this.placed.keys()) await this.inspector.send('Debugger.removeBreakpoint', { breakpointId: id }).catch(() => undefined)
    this.placed = new Map()
    const states: DebugBreakpointState[] = []
    const taken = new Set<string>()
    for (const bp of list) {
      if (!this.o.lines.has(bp.file)) continue
      const at = this.o.lines.generatedFor(bp.file, bp.line)
      if (!at) {
        states.push({ ...bp, plugin: this.plugin, verified: false })
        continue
      }
      const where = { url: this.o.scriptName, lineNumber: at.line + this.o.lineShift, columnNumber: at.column }
      // Two lines that land on the same code (a comment line and the line below it): one breakpoint.
      const key = `${where.lineNumber}:${where.columnNumber}`
      if (taken.has(key)) {
        states.push({ ...bp, plugin: this.plugin, verified: true, actualLine: at.sourceLine })
        continue
      }
      taken.add(key)
      const placed = await this.inspector.send('Debugger.setBreakpointByUrl', { ...where, condition: bp.condition ?? '' })
      this.placed.set(placed.breakpointId as string, bp)
      states.push({ ...bp, plugin: this.plugin, verified: ((placed.locations as unknown[]) ?? []).length > 0, actualLine: at.sourceLine })
    }
    await this.inspector.send('Debugger.setBreakpointsActive', { active })
    return states
  }

  async command(method: 'Debugger.resume' | 'Debugger.stepOver' | 'Debugger.stepInto' | 'Debugger.stepOut' | 'Debugger.pause'): Promise<void> {
    await this.ready
    await this.inspector.send(method)
  }

  /** Breakpoints off and the paused call let go (Stop debugging). */
  async stop(): Promise<void> {
    await this.ready
    await this.inspector.send('Debugger.setBreakpointsActive', { active: false })
    if (this.paused) await this.inspector.send('Debugger.resume')
  }

  async evaluate(callFrameId: string, expression: string): Promise<{ value: DebugValue; error?: string }> {
    const r = await this.inspector.send('Debugger.evaluateOnCallFrame', { callFrameId, expression, objectGroup: 'studio', silent: true, generatePreview: false })
    const details = r.exceptionDetails as { text?: string; exception?: CdpRemoteObject } | undefined
    const value = this.value(r.result as CdpRemoteObject)
    if (details) return { value, error: details.exception?.description?.split('\n')[0] ?? details.text ?? 'Evaluation failed' }
    return { value }
  }

  async getProperties(objectId: string): Promise<DebugProperty[]> {
    const r = await this.inspector.send('Runtime.getProperties', { objectId, ownProperties: true, generatePreview: false })
    const out: DebugProperty[] = []
    for (const p of (r.result as { name: string; value?: CdpRemoteObject; get?: CdpRemoteObject }[]) ?? []) {
      if (p.name === '__proto__') continue
      // No value and no getter: a let/const the code has not reached yet.
      out.push({ name: p.name, value: p.value ? this.value(p.value) : p.get ? { type: 'accessor', description: '(getter)' } : { type: 'undefined', description: '<not initialized yet>' } })
    }
    return out
  }

  /**
   * Ends the session before its isolate is disposed: disconnecting lets the isolate process that
   * (an async no-op waits for it); isolated-vm aborts or hangs when an isolate goes with a session
   * still connected, or a session is disconnected while its isolate is torn down.
   */
  async dispose(): Promise<void> {
    this.calls.stop()
    if (this.isolate.isDisposed) return this.inspector.dispose(true)
    await this.queue
    await this.inspector.idle()
    this.inspector.dispose()
    await this.isolate.getHeapStatistics().catch(() => undefined)
  }

  /** A remote object with its id prefixed by this session's slot. */
  value(o: CdpRemoteObject | undefined): DebugValue {
    if (!o) return { type: 'undefined' }
    const v: DebugValue = { type: o.type }
    if (o.subtype) v.subtype = o.subtype
    if (o.className) v.className = o.className
    if (o.description !== undefined) v.description = o.description
    if ('value' in o) v.value = o.value
    if (o.unserializableValue) v.unserializable = o.unserializableValue
    if (o.objectId) v.objectId = `${this.slot}/${o.objectId}`
    return v
  }

  private onNotification(n: Notification): void {
    if (n.method === 'Debugger.scriptParsed' && n.params.url === this.o.scriptName) this.pluginScripts.add(String(n.params.scriptId))
    if (n.method === 'Debugger.resumed') this.o.onResumed()
    if (n.method !== 'Debugger.paused') return
    const frames = (n.params.callFrames as CdpCallFrame[]).filter((f) => this.pluginScripts.has(f.location.scriptId))
    const callFrames: DebugCallFrame[] = []
    for (const f of frames) {
      const pos = this.o.lines.original(f.location.lineNumber - this.o.lineShift, f.location.columnNumber ?? 0)
      if (!pos) continue
      callFrames.push({
        id: `${this.slot}/${f.callFrameId}`,
        functionName: f.functionName,
        file: pos.file,
        line: pos.line,
        column: pos.column,
        scopes: f.scopeChain.filter((s) => s.object.objectId).map((s) => ({ type: s.type, ...(s.name ? { name: s.name } : {}), objectId: `${this.slot}/${s.object.objectId}` })),
      })
    }
    // Stopped with none of the plugin's code on the stack (a pause request landing in the runtime's
    // own code): nothing to show, go on.
    if (callFrames.length === 0) {
      this.inspector.send('Debugger.resume').catch(() => undefined)
      return
    }
    const hit = ((n.params.hitBreakpoints as string[] | undefined) ?? []).map((id) => this.placed.get(id)).filter((b): b is DebugBreakpoint => !!b)
    this.o.onPaused({ plugin: this.plugin, reason: String(n.params.reason ?? 'other'), hitBreakpoints: hit, callFrames })
  }
}
