// The runtime's debugger: one PluginDebugger per plugin isolate in debug mode, the breakpoints the
// studio set, and the runtime protocol's debug* methods. Plugin instances attach their isolate when
// they create it (plugin-instance.ts) and detach when they close; runtime/main.ts serves the methods
// outside the one-call-at-a-time queue (they must answer while a call is paused) and forwards the
// paused/resumed notifications as runtime events.
import type ivm from 'isolated-vm'
import type { DebugBreakpoint, DebugBreakpointState, DebugCommand, DebugProperty, DebugValue, RuntimeEvents } from '../../common/protocol/runtime.ts'
import type { CompiledPlugin } from '../compile.ts'
import { InspectorClient } from './inspector-client.ts'
import { PluginDebugger } from './plugin-debugger.ts'
import { SourceLines } from './source-lines.ts'
import type { DebugCalls } from './debug-calls.ts'

type Emit = <K extends 'debugPaused' | 'debugResumed' | 'debugCdp'>(name: K, payload: RuntimeEvents[K]) => void

const COMMANDS = {
  resume: 'Debugger.resume',
  stepOver: 'Debugger.stepOver',
  stepInto: 'Debugger.stepInto',
  stepOut: 'Debugger.stepOut',
  pause: 'Debugger.pause',
} as const

class DebugHub {
  emit: Emit = () => undefined
  private breakpoints: DebugBreakpoint[] = []
  private active = true
  private readonly debuggers = new Map<string, PluginDebugger>()
  private readonly external = new Map<string, { client: InspectorClient; plugin: string }>()
  private nextSlot = 1
  /** A Pause asked for while work is under way, for the calls to come too (a reload's new isolates). */
  private pausePending = false
  /** Whether the runtime has queued work (runtime/main.ts): a Pause with none has nothing to stop. */
  workInFlight: () => boolean = () => false
  private nextSession = 1

  /** A plugin's new isolate (inspector on) in debug mode: its session, with the current breakpoints placed. */
  attach(plugin: string, isolate: ivm.Isolate, scriptName: string, compiled: CompiledPlugin): DebugCalls {
    // A replaced isolate (after a memory-limit kill) is already gone: nothing to wait for.
    void this.detach(plugin)
    const d = new PluginDebugger({
      plugin,
      slot: String(this.nextSlot++),
      isolate,
      scriptName,
      // compile.ts: one wrapper line before esbuild's output, run with `lineOffset`.
      lineShift: 1 + compiled.lineOffset,
      lines: new SourceLines(compiled.map, compiled.file),
      onPaused: (paused) => {
        // One Pause stops one plugin: the request is done.
        this.dropPause()
        this.emit('debugPaused', paused)
      },
      onResumed: () => this.emit('debugResumed', { plugin }),
    })
    this.debuggers.set(plugin, d)
    d.calls.pauseRequested = this.pausePending
    // The isolate's first call waits until the breakpoints are in place.
    d.calls.ready = d.setBreakpoints(this.breakpoints, this.active).catch(() => undefined)
    return d.calls
  }

  /** Ends the plugin's sessions; await it before disposing the isolate. */
  async detach(plugin: string): Promise<void> {
    const d = this.debuggers.get(plugin)
    if (!d) return
    this.debuggers.delete(plugin)
    if (d.paused) this.emit('debugResumed', { plugin })
    for (const [session, e] of this.external) {
      if (e.plugin !== plugin) continue
      e.client.dispose(d.isolate.isDisposed)
      this.external.delete(session)
      this.emit('debugCdp', { session, closed: true })
    }
    await d.dispose()
  }

  async setBreakpoints(list: DebugBreakpoint[]): Promise<DebugBreakpointState[]> {
    if (!Array.isArray(list)) throw new Error('debugSetBreakpoints expects a list of {file, line, condition?}')
    for (const bp of list) {
      if (!bp || typeof bp.file !== 'string' || !Number.isInteger(bp.line) || bp.line < 1) throw new Error(`A breakpoint needs a file and a line (1 or more): ${JSON.stringify(bp)}`)
    }
    this.breakpoints = list.map((b) => ({ file: b.file, line: b.line, ...(b.condition?.trim() ? { condition: b.condition } : {}) }))
    this.active = true
    const states: DebugBreakpointState[] = []
    for (const d of this.debuggers.values()) states.push(...(await d.setBreakpoints(this.breakpoints, true)))
    for (const bp of this.breakpoints) {
      if (!states.some((s) => s.file === bp.file && s.line === bp.line)) states.push({ ...bp, verified: false })
    }
    return states
  }

  async command(command: DebugCommand): Promise<void> {
    if (command === 'stop') {
      this.active = false
      this.dropPause()
      for (const d of this.debuggers.values()) await d.stop()
      return
    }
    const method = COMMANDS[command]
    if (!method) throw new Error(`Unknown debug command ${JSON.stringify(command)}`)
    if (command === 'pause') {
      if (!this.workInFlight()) {
        if (this.debuggers.size === 0) throw new Error('No plugin is loaded in debug mode: set a breakpoint first (the plugin reloads in debug mode)')
        return
      }
      // Only a call under way is paused (an idle isolate would pause in its next synchronous use):
      // a busy one now; calls not started yet (the pipeline may be reloading) by their kicks.
      this.pausePending = true
      for (const d of this.debuggers.values()) {
        if (d.paused) continue
        d.calls.pauseRequested = true
        if (d.calls.busy > 0) await d.command(method)
      }
      return
    }
    const paused = [...this.debuggers.values()].find((d) => d.paused)
    if (!paused) throw new Error('Nothing is paused')
    await paused.command(method)
  }

  /** A piece of work that runs plugin calls ended: a Pause asked for during it is over. */
  workDone(): void {
    this.dropPause()
  }

  private dropPause(): void {
    this.pausePending = false
    for (const d of this.debuggers.values()) d.calls.pauseRequested = false
  }

  async evaluate(request: { callFrameId: string; expression: string }): Promise<{ value: DebugValue; error?: string }> {
    const { d, id } = this.route(request?.callFrameId)
    if (!d.paused) throw new Error('That call is no longer paused')
    return d.evaluate(id, String(request.expression))
  }

  async getProperties(objectId: string): Promise<DebugProperty[]> {
    const { d, id } = this.route(objectId)
    return d.getProperties(id)
  }

  /** An external DevTools' own session on a plugin's isolate; its messages go out as 'debugCdp' events. */
  async cdpOpen(request: { plugin?: string }): Promise<{ session: string; plugin: string }> {
    const d = request?.plugin ? this.debuggers.get(request.plugin) : this.debuggers.values().next().value
    if (!d) throw new Error(request?.plugin ? `No plugin ${JSON.stringify(request.plugin)} is loaded in debug mode` : 'No plugin is loaded in debug mode')
    const session = `cdp-${this.nextSession++}`
    const client = new InspectorClient(d.isolate)
    client.onRaw = (message) => this.emit('debugCdp', { session, message })
    client.onNotification((n) => this.emit('debugCdp', { session, message: JSON.stringify(n) }))
    this.external.set(session, { client, plugin: d.plugin })
    return { session, plugin: d.plugin }
  }

  async cdpSend(request: { session: string; message: string }): Promise<void> {
    const e = this.external.get(request?.session)
    if (!e) throw new Error(`No DevTools session ${JSON.stringify(request?.session)}`)
    e.client.sendRaw(String(request.message))
  }

  async cdpClose(session: string): Promise<void> {
    const e = this.external.get(session)
    if (!e) return
    this.external.delete(session)
    e.client.dispose()
  }

  /** `slot/id` → the session it belongs to and the inspector's own id. */
  private route(prefixed: string): { d: PluginDebugger; id: string } {
    const cut = typeof prefixed === 'string' ? prefixed.indexOf('/') : -1
    const slot = cut > 0 ? prefixed.slice(0, cut) : ''
    const d = [...this.debuggers.values()].find((x) => x.slot === slot)
    if (!d) throw new Error('That value belongs to a pause that has ended')
    return { d, id: prefixed.slice(cut + 1) }
  }
}

export const debugHub = new DebugHub()
