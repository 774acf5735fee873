// The supervisor of the plugin runtime process, used by the backend and the CLI. It starts
// runtime/main.ts (by file path: main/ and runtime/ never import each other) under Node ≥ 22 with
// --no-node-snapshot and Node's permission model, speaks common/protocol/runtime.ts over IPC, and
// when the process dies, restarts it, reloads the last pipeline and reports what was lost.
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { connect } from '../../../common/rpc/rpc.ts'
import type { Client } from '../../../common/rpc/rpc.ts'
import type { PluginEvent } from '../../../common/plugin/event.ts'
import { eventDepthError, EVENTS_PER_CHUNK, expandEventResults, MAX_EVENT_DEPTH, refusedEventResult } from '../../../common/protocol/runtime.ts'
import type { DebugBreakpoint, DebugBreakpointState, DebugCommand, DebugProperty, DebugValue } from '../../../common/protocol/runtime.ts'
import type { CapturedRecord, ClockReport, EventResult, WireEventResult, LoadRequest, LoadResult, RuntimeEvents, RuntimeInspection, RuntimeMethods, RuntimeRecords, RuntimeStatus, RuntimeTimeState, TeardownResult } from '../../../common/protocol/runtime.ts'
import { findRuntimeNode } from './find-node.ts'
import { childTransport } from './ipc-transport.ts'

export { findRuntimeNode } from './find-node.ts'

const here = dirname(fileURLToPath(import.meta.url))
/** The repository (or packaged app) root: what the runtime may read besides the plugins. */
const APP_ROOT = resolve(here, '../../..')
export const RUNTIME_ENTRY = resolve(APP_ROOT, 'runtime/main.ts')
/** How runtime/sandbox/watchdog.ts starts the line it writes before ending the process (main/ does not import runtime/). */
const WATCHDOG_LINE = 'Plugin Studio watchdog:'
const START_TIMEOUT_MS = 30_000
/** Chunks of one processEvents call on their way to the runtime at once (see processEvents). */
const PIPELINE_DEPTH = 2
/**
 * A chunk closes once its JSON reaches this many characters (or EVENTS_PER_CHUNK events). Its
 * results come back about twice as long, and a message larger than the socket's buffer (~200 KB)
 * cannot leave in one write: the rest waits for the sender's next event-loop turn, which for the
 * runtime comes only after the next chunk's plugin calls, and both sides stall. Measured on the
 * bench's 1.3 KB events: ~50-event chunks run a batch 20-30% faster than 100-event ones.
 */
const CHUNK_CHARS = 64 * 1024

export interface RunnerOptions {
  nodePath?: string
  onCrash?: (info: { message: string; lost: string[] }) => void
  /** Node's permission model for the runtime process: off by default (see permissionFlags). */
  permissions?: boolean
}

interface Access {
  read: Set<string>
  write: Set<string>
}

/** The events a call would lose if the process died: listed only when that happens. */
type Lost = readonly string[] | (() => string[])

interface InFlight {
  method: string
  lost: Lost
  reject: (error: Error) => void
}

function describeEvent(event: PluginEvent, index: number): string {
  const uuid = event && typeof event === 'object' && typeof event.uuid === 'string' ? event.uuid : null
  const name = event && typeof event === 'object' && typeof event.event === 'string' ? event.event : '?'
  return uuid ? `${name} ${uuid}` : `${name} (#${index + 1} of the call)`
}

/**
 * An event as JSON, or why it cannot go. A text of n characters nests at most n/2 levels: only long
 * ones need the walk that counts their depth.
 */
function eventJson(event: PluginEvent): { text: string | null; error: string | null } {
  let text: string
  try {
    text = JSON.stringify(event) ?? 'null'
  } catch (error) {
    return { text: null, error: eventDepthError(event) ?? `The event cannot be sent: ${(error as Error)?.message ?? String(error)}` }
  }
  const tooDeep = text.length > 2 * MAX_EVENT_DEPTH ? eventDepthError(event) : null
  return tooDeep ? { text: null, error: tooDeep } : { text, error: null }
}

export class RuntimeCrashError extends Error {
  readonly lost: string[]
  constructor(message: string, lost: string[]) {
    super(message)
    this.name = 'RuntimeCrashError'
    this.lost = lost
  }
}

export class Runner {
  private child: ChildProcess | null = null
  private client: Client<RuntimeMethods, RuntimeEvents> | null = null
  private readonly listeners = new Map<string, Set<(payload: unknown) => void>>()
  private readonly inFlight = new Set<InFlight>()
  private lastLoad: LoadRequest | null = null
  private closing = false
  private stderrTail = ''
  private access: Access = { read: new Set(), write: new Set() }
  private restarting: Promise<void> | null = null

  private readonly options: RunnerOptions
  private constructor(options: RunnerOptions) {
    this.options = options
  }

  static async start(options: RunnerOptions = {}): Promise<Runner> {
    const runner = new Runner(options)
    await runner.spawn()
    return runner
  }

  private get nodePath(): string {
    return this.options.nodePath ?? findRuntimeNode()
  }

  private permissionFlags(): string[] {
    // Off by default: under --permission, process.binding is denied, and the embedded cache's
    // ioredis-mock loads fengari → readline-sync, which calls process.binding at require time, so the
    // runtime dies on start. (Tried on Node 24.21: isolated-vm itself loads fine with the flags below.)
    if (this.options.permissions !== true) return []
    // isolated-vm is a native addon (--allow-addons; node-gyp-build probes /etc/alpine-release), and
    // esbuild compiles in its own service process (--allow-child-process): without those two the
    // runtime cannot work. Reads: the app and the plugin folders; writes: only meta.storage's folder.
    const flags = ['--permission', '--allow-addons', '--allow-child-process', `--allow-fs-read=${APP_ROOT}`, '--allow-fs-read=/etc/alpine-release', '--disable-warning=SecurityWarning']
    for (const dir of this.access.read) flags.push(`--allow-fs-read=${dir}`)
    for (const dir of this.access.write) flags.push(`--allow-fs-read=${dir}`, `--allow-fs-write=${dir}`)
    return flags
  }

  private async spawn(): Promise<void> {
    const args = ['--no-node-snapshot', ...this.permissionFlags(), RUNTIME_ENTRY]
    // stdout is piped, never inherited: what the runtime prints must not land in the caller's stdout
    // (`plugin-studio run --json`); it goes to the runner's stderr.
    const child = spawn(this.nodePath, args, { stdio: ['ignore', 'pipe', 'pipe', 'ipc'], serialization: 'advanced' })
    this.child = child
    this.stderrTail = ''
    child.stdout?.setEncoding('utf8')
    child.stdout?.on('data', (chunk: string) => {
      this.stderrTail = (this.stderrTail + chunk).slice(-4000)
      process.stderr.write(chunk)
    })
    child.stderr?.setEncoding('utf8')
    child.stderr?.on('data', (chunk: string) => {
      this.stderrTail = (this.stderrTail + chunk).slice(-4000)
      if (process.env.PLUGIN_STUDIO_RUNTIME_STDERR) process.stderr.write(chunk)
    })
    await new Promise<void>((resolveReady, rejectReady) => {
      const timer = setTimeout(() => fail(new Error(`The plugin runtime did not start within ${START_TIMEOUT_MS / 1000} s`)), START_TIMEOUT_MS)
      const fail = (error: Error) => {
        clearTimeout(timer)
        child.off('message', onMessage)
        child.kill('SIGKILL')
        rejectReady(error)
      }
      const onMessage = (message: unknown) => {
        const m = message as { kind?: string; name?: string }
        if (m?.kind === 'event' && m.name === 'ready') {
          clearTimeout(timer)
          child.off('message', onMessage)
          child.off('exit', onEarlyExit)
          resolveReady()
        }
      }
      const onEarlyExit = (code: number | null, signal: string | null) =>
        fail(new Error(`The plugin runtime exited while starting (${signal ?? `code ${code}`}): ${this.stderrTail.trim() || 'no output'}`))
      child.on('message', onMessage)
      child.once('exit', onEarlyExit)
      child.once('error', (error) => fail(new Error(`Cannot start the plugin runtime with ${this.nodePath}: ${error.message}`)))
    })
    const client = connect<RuntimeMethods, RuntimeEvents>(childTransport(child))
    this.client = client
    for (const [name, set] of this.listeners) for (const l of set) client.on(name as keyof RuntimeEvents & string, l)
    child.once('exit', (code, signal) => {
      if (this.child !== child) return
      // The last lines of stderr (the watchdog's, naming the plugin) may still be on their way: let
      // them arrive first, briefly.
      const stderr = child.stderr
      const drained =
        stderr && !stderr.readableEnded
          ? new Promise<void>((r) => {
              const timer = setTimeout(r, 250)
              stderr.once('close', () => {
                clearTimeout(timer)
                r()
              })
            })
          : Promise.resolve()
      this.client?.dispose()
      this.client = null
      this.child = null
      if (this.closing) return
      // Calls wait for the restart (ready()); close() too.
      this.restarting = drained
        .then(() => this.onExit(code, signal))
        .finally(() => {
          this.restarting = null
        })
    })
  }

  private async onExit(code: number | null, signal: NodeJS.Signals | null): Promise<void> {
    if (this.closing) return
    const why = signal ? `signal ${signal}` : `exit code ${code}`
    const tail = this.stderrTail.trim().split('\n').slice(-3).join(' | ')
    const lost = [...this.inFlight].flatMap((f) => (typeof f.lost === 'function' ? f.lost() : f.lost))
    const calls = [...this.inFlight].map((f) => f.method)
    const disabled = this.disableWatchdogCulprit(calls)
    const message = `The plugin runtime process died (${why})${calls.length ? ` during ${calls.join(', ')}` : ''}${tail ? `: ${tail}` : ''}. It was restarted${this.lastLoad ? ' and the plugins reloaded' : ''}${disabled ? `, ${disabled} disabled (load it again to enable it)` : ''}.`
    const error = new RuntimeCrashError(lost.length ? `${message} Lost events: ${lost.join(', ')}` : message, lost)
    for (const f of this.inFlight) f.reject(error)
    this.inFlight.clear()
    this.options.onCrash?.({ message: error.message, lost })
    await this.restart()
  }

  /**
   * When the runtime's watchdog ended the process (a plugin call ignored its time and memory limits,
   * e.g. an isolate thrashing its garbage collector), the reload loads that plugin disabled: reloading
   * it as it was would crash every call again and lose its neighbours' events with it. Returns the
   * plugin's description for the crash report, or null.
   */
  private disableWatchdogCulprit(calls: string[]): string | null {
    const line = this.stderrTail.split('\n').reverse().find((l) => l.startsWith(WATCHDOG_LINE))
    const id = line ? /\(id ("(?:[^"\\]|\\.)*")\)/.exec(line)?.[1] : undefined
    if (!id || !this.lastLoad) return null
    let pluginId: string
    try {
      pluginId = JSON.parse(id) as string
    } catch {
      return null
    }
    const spec = this.lastLoad.plugins.find((p) => p.id === pluginId)
    if (!spec) return null
    const name = /the plugin ("(?:[^"\\]|\\.)*")/.exec(line!)?.[1] ?? JSON.stringify(pluginId)
    const reason = `a call of this plugin${calls.length ? ` (during ${calls.join(', ')})` : ''} ignored its time and memory limits and could not be stopped otherwise`
    this.lastLoad = { ...this.lastLoad, plugins: this.lastLoad.plugins.map((p) => (p === spec ? { ...p, disabled: reason } : p)) }
    return `the plugin ${name} (id ${JSON.stringify(pluginId)}) was`
  }

  private async restart(): Promise<void> {
    try {
      if (this.closing) return
      await this.spawn()
      // close() came meanwhile: it shuts the new process down; nothing to reload, nothing to report.
      if (this.closing) return
      if (this.lastLoad) await this.client!.load(this.lastLoad)
    } catch (error) {
      if (this.closing) return
      this.options.onCrash?.({ message: `Restarting the plugin runtime failed: ${(error as Error).message}`, lost: [] })
    }
  }

  private async ready(): Promise<Client<RuntimeMethods, RuntimeEvents>> {
    if (this.closing) throw new Error('The runner is closed')
    if (this.restarting) await this.restarting
    if (!this.client) await this.spawn()
    return this.client!
  }

  /** Runs one call; if the process dies meanwhile, rejects with what was lost (never silently). */
  private async call<T>(method: string, lost: Lost, run: (client: Client<RuntimeMethods, RuntimeEvents>) => Promise<T>): Promise<T> {
    const client = await this.ready()
    return new Promise<T>((resolveCall, rejectCall) => {
      const entry: InFlight = { method, lost, reject: rejectCall }
      this.inFlight.add(entry)
      run(client).then(
        (value) => {
          this.inFlight.delete(entry)
          resolveCall(value)
        },
        (error: Error) => {
          // A crash rejects through onExit with the lost events; the channel's own error comes first.
          if (!this.inFlight.has(entry)) return
          if (/Connection closed|Cannot reach the runtime/.test(error.message)) return
          this.inFlight.delete(entry)
          rejectCall(error)
        },
      )
    })
  }

  async load(request: LoadRequest): Promise<LoadResult> {
    // Node's permission model is fixed at start: a folder the runtime may not read yet means a restart.
    if (this.permissionFlags().length > 0) {
      const read = request.plugins.map((p) => resolve(p.dir)).filter((d) => !this.covers(d, this.access.read) && !d.startsWith(APP_ROOT + '/'))
      const storage = request.options?.storageDir ? resolve(request.options.storageDir) : null
      const write = storage && !this.covers(storage, this.access.write) ? [storage] : []
      if (read.length || write.length) {
        for (const d of read) this.access.read.add(d)
        for (const d of write) this.access.write.add(d)
        await this.respawn()
      }
    }
    this.lastLoad = request
    return this.call('load', [], (c) => c.load(request))
  }

  private covers(dir: string, set: Set<string>): boolean {
    for (const d of set) if (dir === d || dir.startsWith(d + '/')) return true
    return false
  }

  private async respawn(): Promise<void> {
    const child = this.child
    if (child) {
      this.child = null
      this.client?.dispose()
      this.client = null
      await new Promise<void>((r) => {
        child.once('exit', () => r())
        child.kill('SIGKILL')
      })
    }
    await this.spawn()
  }

  /**
   * Runs events through the pipeline, in order. They travel as JSON text, in chunks of at most
   * EVENTS_PER_CHUNK events and about CHUNK_CHARS characters that the runtime hands to the isolates
   * as they are; up to PIPELINE_DEPTH chunks are on their way at once, so this process serialises
   * and parses while the runtime runs plugins.
   * An event nested too deep (or that JSON cannot carry) fails alone here. If the runtime dies, the
   * call rejects naming every event whose result had not come back.
   */
  processEvents(events: PluginEvent[]): Promise<EventResult[]> {
    if (!Array.isArray(events)) return Promise.reject(new Error('processEvents expects an array of events'))
    const refused: (string | null)[] = new Array(events.length).fill(null)
    let next = 0
    /** The next chunk of sendable events (with their indices), or null at the end. */
    const nextChunk = (): { json: string; count: number; indices: number[] } | null => {
      let json = ''
      const indices: number[] = []
      while (next < events.length && indices.length < EVENTS_PER_CHUNK && json.length < CHUNK_CHARS) {
        const i = next++
        const { text, error } = eventJson(events[i])
        if (text === null) refused[i] = error
        else {
          json += indices.length === 0 ? text : `,${text}`
          indices.push(i)
        }
      }
      return indices.length > 0 ? { json: `[${json}]`, count: indices.length, indices } : null
    }
    const done = new Array<boolean>(events.length).fill(false)
    const lost = () => events.flatMap((e, i) => (done[i] || refused[i] !== null ? [] : [describeEvent(e, i)]))
    return this.call('processEvents', lost, async (c) => {
      const wire = new Array<WireEventResult | undefined>(events.length)
      const send = async (chunk: { json: string; count: number; indices: number[] }) => {
        const results = JSON.parse(await c.processEvents({ chunks: [{ json: chunk.json, count: chunk.count }] })) as WireEventResult[]
        chunk.indices.forEach((index, k) => {
          wire[index] = results[k]
          done[index] = true
        })
      }
      const inFlight = new Set<Promise<void>>()
      for (let chunk = nextChunk(); chunk !== null; chunk = nextChunk()) {
        const p = send(chunk).finally(() => inFlight.delete(p))
        p.catch(() => undefined) // awaited below; a later chunk's failure must not go unhandled after an earlier one's
        inFlight.add(p)
        if (inFlight.size >= PIPELINE_DEPTH) await Promise.race(inFlight)
      }
      await Promise.all(inFlight)
      // No events: the call still reaches the runtime (lazy setup, or its error when nothing is loaded).
      if (events.length === 0) await c.processEvents({ chunks: [] })
      return expandEventResults(
        events,
        Array.from(wire, (w, i) => w ?? refusedEventResult(refused[i] ?? 'The runtime returned no result for this event')),
      )
    })
  }

  unload(): Promise<TeardownResult> {
    this.lastLoad = null
    return this.call('unload', [], (c) => c.unload())
  }

  status(): Promise<RuntimeStatus> {
    return this.call('status', [], (c) => c.status())
  }

  /** Moves the runtime clock forward (virtual) or waits (realtime); scheduled tasks, jobs, flushes and retries that fall due run. */
  advance(ms: number): Promise<ClockReport> {
    return this.call('advance', [], (c) => c.advance(ms))
  }

  /** Runs what is due until only the recurring schedule is left. */
  runUntilIdle(): Promise<ClockReport> {
    return this.call('runUntilIdle', [], (c) => c.runUntilIdle())
  }

  /** Runs a scheduled task of a plugin now. */
  fireScheduled(plugin: string, task: string): Promise<ClockReport> {
    return this.call('fireScheduled', [], (c) => c.fireScheduled({ plugin, task }))
  }

  /** Next scheduled runs, queued jobs, export buffers and metrics per plugin. */
  state(): Promise<RuntimeTimeState> {
    return this.call('state', [], (c) => c.state())
  }

  /** captured, exported, fetches, jobs, scheduled and api call records since load (kept after unload). */
  records(): Promise<RuntimeRecords> {
    return this.call('records', [], (c) => c.records())
  }

  /** Feeds captured events not fed yet back through the pipeline (loop guard included). */
  feedCaptured(): Promise<CapturedRecord[]> {
    return this.call('feedCaptured', [], (c) => c.feedCaptured())
  }

  /** Each plugin's meta.cache keys (values, TTLs) and meta.storage contents. */
  inspect(): Promise<RuntimeInspection> {
    return this.call('inspect', [], (c) => c.inspect())
  }

  // ---- debugging (runtime/debug; the pipeline must be loaded with options.debug) ----

  /** Replaces every breakpoint; answers where each landed. */
  debugSetBreakpoints(breakpoints: DebugBreakpoint[]): Promise<DebugBreakpointState[]> {
    return this.call('debugSetBreakpoints', [], (c) => c.debugSetBreakpoints(breakpoints))
  }

  /** Continue, step, pause, or stop debugging (breakpoints off, the paused call goes on). */
  debugCommand(command: DebugCommand): Promise<void> {
    return this.call('debugCommand', [], (c) => c.debugCommand(command))
  }

  debugEvaluate(callFrameId: string, expression: string): Promise<{ value: DebugValue; error?: string }> {
    return this.call('debugEvaluate', [], (c) => c.debugEvaluate({ callFrameId, expression }))
  }

  debugGetProperties(objectId: string): Promise<DebugProperty[]> {
    return this.call('debugGetProperties', [], (c) => c.debugGetProperties(objectId))
  }

  /** A raw CDP session for an external DevTools; its messages arrive as 'debugCdp' events. */
  debugCdpOpen(plugin?: string): Promise<{ session: string; plugin: string }> {
    return this.call('debugCdpOpen', [], (c) => c.debugCdpOpen(plugin ? { plugin } : {}))
  }

  debugCdpSend(session: string, message: string): Promise<void> {
    return this.call('debugCdpSend', [], (c) => c.debugCdpSend({ session, message }))
  }

  debugCdpClose(session: string): Promise<void> {
    return this.call('debugCdpClose', [], (c) => c.debugCdpClose(session))
  }

  on<K extends keyof RuntimeEvents>(name: K, listener: (payload: RuntimeEvents[K]) => void): () => void {
    let set = this.listeners.get(name)
    if (!set) this.listeners.set(name, (set = new Set()))
    const l = listener as (payload: unknown) => void
    set.add(l)
    const off = this.client?.on(name as keyof RuntimeEvents & string, l)
    return () => {
      set.delete(l)
      off?.()
    }
  }

  /** The runtime's pid (tests and diagnostics). */
  get pid(): number | undefined {
    return this.child?.pid
  }

  async close(): Promise<void> {
    this.closing = true
    // A restart under way finishes starting its process first (restart() sees `closing`), then that process is closed.
    if (this.restarting) await this.restarting
    const child = this.child
    if (!child) return
    const exited = new Promise<void>((r) => child.once('exit', () => r()))
    try {
      if (this.client) await Promise.race([this.client.unload(), new Promise((r) => setTimeout(r, 5000))])
    } catch {}
    this.client?.dispose()
    child.disconnect?.()
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000)
    await exited
    clearTimeout(timer)
    this.child = null
  }
}
