// The studio's one pipeline in the runtime process: which plugins are loaded, whether that load is
// stale, and the runtime process itself (started on first use, started again after a crash).
// Calls are serialised: a load never overlaps a run.
import type { PluginEvent } from '../../common/plugin/event.ts'
import { EVENTS_PER_CHUNK, type ClockReport, type EventResult, type LoadRequest, type LoadResult, type PluginLoadResult, type RuntimeEvents, type RuntimeInspection, type RuntimeTimeState, type TeardownResult } from '../../common/protocol/runtime.ts'
import { MAX_CLOCK_ADVANCE_MS, RUN_INTERRUPTED_ERROR, type ClockOutcome, type LoadOutcome, type PipelineState, type RunOutcome, type StudioEvents } from '../../common/protocol/studio.ts'
import type { StepState } from '../../common/protocol/run-history.ts'
import type { DebugBreakpoint, DebugBreakpointState, DebugCommand, DebugProperty, DebugValue } from '../../common/protocol/runtime.ts'
import { StepHistory } from './step-history.ts'

/** What the studio needs of main/services/runner's Runner. */
export interface PipelineRunner {
  load(request: LoadRequest): Promise<LoadResult>
  processEvents(events: PluginEvent[]): Promise<EventResult[]>
  unload(): Promise<TeardownResult>
  advance(ms: number): Promise<ClockReport>
  runUntilIdle(): Promise<ClockReport>
  fireScheduled(plugin: string, task: string): Promise<ClockReport>
  state(): Promise<RuntimeTimeState>
  inspect(): Promise<RuntimeInspection>
  on<K extends keyof RuntimeEvents>(name: K, listener: (payload: RuntimeEvents[K]) => void): () => void
  close(): Promise<void>
  // Breakpoint debugging (main/services/debug; the runner relays runtime/debug).
  debugSetBreakpoints(breakpoints: DebugBreakpoint[]): Promise<DebugBreakpointState[]>
  debugCommand(command: DebugCommand): Promise<void>
  debugEvaluate(callFrameId: string, expression: string): Promise<{ value: DebugValue; error?: string }>
  debugGetProperties(objectId: string): Promise<DebugProperty[]>
  debugCdpOpen(plugin?: string): Promise<{ session: string; plugin: string }>
  debugCdpSend(session: string, message: string): Promise<void>
  debugCdpClose(session: string): Promise<void>
}

export type CrashInfo = { message: string; lost: string[] }
export type StartRunner = (onCrash: (info: CrashInfo) => void) => Promise<PipelineRunner>
type Emit = <K extends keyof StudioEvents>(name: K, payload: StudioEvents[K]) => void

/** At most this many events per run request (a pasted file of a million events is a mistake). */
export const MAX_EVENTS_PER_RUN = 10_000
/** Batches of one run on their way to the runtime at once. */
const RUN_PIPELINE_DEPTH = 2

export class PipelineSession {
  private readonly startRunner: StartRunner
  private readonly buildLoad: (plugins: string[]) => Promise<LoadRequest>
  private readonly emit: Emit
  private runner: PipelineRunner | null = null
  private starting: Promise<PipelineRunner> | null = null
  private crashed = false
  private loaded: { plugins: string[]; setup: PluginLoadResult[] } | null = null
  private stale = false
  /** The plugins a load in progress is building; a change to one of them meanwhile keeps the result stale. */
  private loading: string[] | null = null
  private changedWhileLoading = false
  private queue: Promise<unknown> = Promise.resolve()
  /** Runs asked for whose events are not on their way to the runtime yet (whenRunsSent). */
  private readonly unsent = new Set<Promise<void>>()
  private closed = false
  /** The state after every run and clock step, for time travel. */
  private readonly history: StepHistory
  /** Snapshot copying not yet paid for by run time (see snapshotAfter). */
  private snapshotDebtMs = 0

  /** Runs after every successful load (the debugger places its breakpoints in the fresh pipeline). */
  private readonly afterLoad: ((runner: PipelineRunner) => Promise<void>) | undefined

  constructor(options: { startRunner: StartRunner; buildLoad: (plugins: string[]) => Promise<LoadRequest>; emit: Emit; history?: StepHistory; afterLoad?: (runner: PipelineRunner) => Promise<void> }) {
    this.afterLoad = options.afterLoad
    this.history = options.history ?? new StepHistory()
    this.startRunner = options.startRunner
    this.buildLoad = options.buildLoad
    this.emit = options.emit
  }

  /** The loaded pipeline no longer matches the files/config/settings (`plugin` null: whatever is loaded). */
  markStale(plugin: string | null): void {
    if (this.loaded && (plugin === null || this.loaded.plugins.includes(plugin))) this.stale = true
    // A config save between buildLoad reading the values and the load finishing: that load ran with
    // the old values, so the next run must load again.
    if (this.loading && (plugin === null || this.loading.includes(plugin))) this.changedWhileLoading = true
  }

  /** The runtime process's runner, when one is up (the debugger talks to it while a call is paused). */
  get runtime(): PipelineRunner | null {
    return this.runner
  }

  get loadedPlugins(): string[] {
    return this.loaded ? [...this.loaded.plugins] : []
  }

  load(plugins: string[]): Promise<LoadOutcome> {
    return this.exclusive(async () => {
      const setup = await this.loadNow(checkPlugins(plugins))
      return { plugins: [...plugins], setup }
    })
  }

  /**
   * Resolves once every run asked for so far has its events on their way to the runtime, or has
   * ended: a Pause clicked right after Step may come while the run is still reloading the pipeline,
   * and the runtime only pauses work it has.
   */
  whenRunsSent(): Promise<void> {
    return Promise.all(this.unsent).then(() => undefined)
  }

  run(plugins: string[], events: PluginEvent[]): Promise<RunOutcome> {
    let markSent = () => {}
    const sent = new Promise<void>((resolve) => (markSent = resolve))
    this.unsent.add(sent)
    const run = this.runExclusive(plugins, events, markSent)
    void run.catch(() => undefined).finally(() => {
      markSent()
      this.unsent.delete(sent)
    })
    return run
  }

  private runExclusive(plugins: string[], events: PluginEvent[], markSent: () => void): Promise<RunOutcome> {
    return this.exclusive(async () => {
      const ids = checkPlugins(plugins)
      if (!Array.isArray(events)) throw new Error('events must be a list of events')
      if (events.length > MAX_EVENTS_PER_RUN) throw new Error(`At most ${MAX_EVENTS_PER_RUN} events per run, got ${events.length}`)
      events.forEach((event, i) => {
        if (!event || typeof event !== 'object' || Array.isArray(event) || typeof event.event !== 'string') throw new Error(`Event ${i + 1} is not an event object with an "event" name`)
      })
      let reloaded = false
      if (!this.loaded || this.stale || !sameList(this.loaded.plugins, ids)) {
        await this.loadNow(ids)
        reloaded = true
      }
      const runner = await this.ensureRunner()
      const started = performance.now()
      // One runtime call per EVENTS_PER_CHUNK events (as the CLI does): if the runtime dies, the
      // batches that came back keep their results and only the rest is named as not processed.
      // Two batches are on their way at once (the runtime runs them in order, one after the other),
      // so the runtime never waits for this process between them. No events still makes one call
      // (lazy setup runs, or the runtime says nothing is loaded).
      const results: EventResult[] = []
      const inFlight: Promise<EventResult[]>[] = []
      let next = 0
      const send = () => {
        const batch = runner.processEvents(events.slice(next, next + EVENTS_PER_CHUNK))
        batch.catch(() => undefined) // awaited in turn below; a crash rejects both batches at once
        inFlight.push(batch)
        next += EVENTS_PER_CHUNK
        markSent()
      }
      send()
      while (inFlight.length > 0) {
        if (inFlight.length < RUN_PIPELINE_DEPTH && next < events.length) send()
        try {
          results.push(...(await inFlight.shift()!))
        } catch (error) {
          throw isCrash(error) ? new RunInterruptedError(error, events, results) : error
        }
      }
      this.noteAlive()
      const snapshot = await this.snapshotAfter(events.length, performance.now() - started)
      return { reloaded, setup: this.loaded?.setup ?? [], results, snapshot }
    })
  }

  /** Moves the virtual clock forward; with `plugins`, (re)loads that pipeline first when needed (as run does). */
  advance(ms: number, plugins?: string[]): Promise<ClockOutcome> {
    if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0 || ms > MAX_CLOCK_ADVANCE_MS) {
      return Promise.reject(new Error(`The clock moves forward by 0 ms up to a year (${MAX_CLOCK_ADVANCE_MS} ms), not ${String(ms)}`))
    }
    return this.clockStep(plugins, (runner) => runner.advance(ms))
  }

  runUntilIdle(plugins?: string[]): Promise<ClockOutcome> {
    return this.clockStep(plugins, (runner) => runner.runUntilIdle())
  }

  fireScheduled(plugin: string, task: string, plugins?: string[]): Promise<ClockOutcome> {
    if (typeof plugin !== 'string' || typeof task !== 'string') return Promise.reject(new Error('fireScheduled needs a plugin id and a task name'))
    return this.clockStep(plugins, (runner) => runner.fireScheduled(plugin, task))
  }

  /** The loaded pipeline's time state and stores; loads nothing. */
  state(): Promise<PipelineState> {
    return this.exclusive(() => this.stateNow())
  }

  /**
   * Keeps the state after a run for time travel. A single event (Step) always; a batch (Run all)
   * unless the last copy still costs more than a third of the batches' time since (a pipeline with a
   * huge cache): then that batch keeps none, so copying never takes over a long run.
   */
  private async snapshotAfter(events: number, runMs: number): Promise<number | null> {
    if (events > 1 && this.snapshotDebtMs > 0) {
      this.snapshotDebtMs -= runMs
      return null
    }
    const started = performance.now()
    const snapshot = this.history.record(await this.stateNow())
    this.snapshotDebtMs = Math.max(0, 3 * (performance.now() - started) - runMs)
    return snapshot
  }

  /** The state kept after a run or clock step (time travel). */
  async stepState(snapshot: number): Promise<StepState> {
    return { snapshot, state: this.history.get(snapshot) }
  }

  private clockStep(plugins: string[] | undefined, act: (runner: PipelineRunner) => Promise<ClockReport>): Promise<ClockOutcome> {
    return this.exclusive(async () => {
      let reloaded = false
      if (plugins !== undefined && plugins !== null) {
        const ids = checkPlugins(plugins)
        if (!this.loaded || this.stale || !sameList(this.loaded.plugins, ids)) {
          await this.loadNow(ids)
          reloaded = true
        }
      }
      if (!this.loaded || !this.runner) throw new Error('No plugins are loaded: Step an event or pick the plugins to run first')
      const report = await act(this.runner)
      this.noteAlive()
      const state = await this.stateNow()
      return { report, state, reloaded, setup: this.loaded?.setup ?? [], snapshot: this.history.record(state) }
    })
  }

  private async stateNow(): Promise<PipelineState> {
    const loaded = this.loaded
    const runner = this.runner
    if (!loaded || !runner) return { plugins: [], stale: false, time: null, stores: [] }
    const [time, inspection] = await Promise.all([runner.state(), runner.inspect()])
    return {
      plugins: loaded.setup.map((s) => ({ plugin: s.plugin, name: s.name, capabilities: s.capabilities, error: s.error })),
      stale: this.stale,
      time,
      stores: inspection.plugins,
    }
  }

  unload(): Promise<TeardownResult> {
    return this.exclusive(async () => {
      if (!this.runner || !this.loaded) {
        this.loaded = null
        return { teardown: [] }
      }
      const result = await this.runner.unload()
      this.loaded = null
      return result
    })
  }

  /**
   * Reset: tears the pipeline down, stops the runtime process (its embedded cache and every
   * isolate's globals go with it), lets `clear` wipe what persists outside it (meta.storage), then
   * loads the plugins again in a fresh process, so setupPlugin runs again.
   */
  reset(plugins: string[], clear: () => Promise<void>): Promise<LoadOutcome> {
    return this.exclusive(async () => {
      const ids = checkPlugins(plugins)
      const runner = this.runner
      if (runner && this.loaded) await runner.unload().catch(() => undefined)
      this.loaded = null
      this.runner = null
      this.history.clear()
      await runner?.close()
      await clear()
      const setup = await this.loadNow(ids)
      return { plugins: [...ids], setup }
    })
  }

  async close(): Promise<void> {
    this.closed = true
    const runner = this.runner ?? (await this.starting?.catch(() => null)) ?? null
    this.runner = null
    this.loaded = null
    await runner?.close()
  }

  private async loadNow(plugins: string[]): Promise<PluginLoadResult[]> {
    this.loading = [...plugins]
    this.changedWhileLoading = false
    try {
      const request = await this.buildLoad(plugins)
      const runner = await this.ensureRunner()
      // Until this load succeeds, nothing counts as loaded.
      this.loaded = null
      const result = await runner.load(request)
      this.noteAlive()
      this.loaded = { plugins: [...plugins], setup: result.setup }
      this.stale = this.changedWhileLoading
      await this.afterLoad?.(runner)
      return result.setup
    } finally {
      this.loading = null
    }
  }

  private async ensureRunner(): Promise<PipelineRunner> {
    if (this.closed) throw new Error('The studio is shutting down')
    if (this.runner) return this.runner
    this.starting ??= this.startRunner((info) => this.onCrash(info)).finally(() => (this.starting = null))
    const runner = await this.starting
    this.runner = runner
    runner.on('log', (entry) => this.emit('runtimeLog', entry))
    runner.on('stateOp', (op) => this.emit('runtimeStateOp', op))
    return runner
  }

  /**
   * The Runner restarts its process by itself and reloads the last pipeline; the studio still
   * reloads on the next run, so that run's setup results and state are fresh and shown.
   */
  private onCrash(info: CrashInfo): void {
    this.crashed = true
    this.stale = true
    this.emit('runtimeCrashed', { message: info.message, lost: info.lost })
  }

  /** After a crash, the first call that works again tells the UI the runtime is back. */
  private noteAlive(): void {
    if (!this.crashed) return
    this.crashed = false
    this.emit('runtimeRestarted', { at: Date.now() })
  }

  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work)
    this.queue = next.catch(() => {})
    return next
  }
}

/**
 * A run the runtime process died in. `lost` names every event of the run without a result (the batches
 * in flight and those not sent yet), in order; `results` holds the events before them, processed.
 * Over the studio protocol only the message crosses: it names the range and the first few events.
 */
export class RunInterruptedError extends Error {
  readonly lost: string[]
  readonly results: EventResult[]
  /** How many events of the run were processed (they come first). */
  readonly processed: number
  constructor(crash: Error, events: PluginEvent[], results: EventResult[]) {
    const processed = results.length
    const lost = events.slice(processed).map((event, i) => describeEvent(event, processed + i))
    // The Runner's message lists the lost events of its one call; ours lists the run's.
    const base = crash.message.replace(/ Lost events: [\s\S]*$/, '')
    const shown = lost.slice(0, LOST_NAMES_SHOWN).join(', ') + (lost.length > LOST_NAMES_SHOWN ? `, and ${lost.length - LOST_NAMES_SHOWN} more` : '')
    const which = lost.length === 1 && events.length === 1 ? 'The event was' : lost.length === 1 ? `Event ${events.length} of ${events.length} was` : `Events ${processed + 1}–${events.length} of ${events.length} were`
    const kept = processed === 0 ? '' : ` The ${processed} before ${lost.length === 1 ? 'it' : 'them'} ${processed === 1 ? 'was' : 'were'} processed and keep their results.`
    super(`${base} ${which} not processed: ${shown}.${kept}`, { cause: crash })
    this.name = RUN_INTERRUPTED_ERROR
    this.lost = lost
    this.results = results
    this.processed = processed
  }
}

/** How many lost events the message names (all of them are in `lost`). */
const LOST_NAMES_SHOWN = 5

/** The Runner's crash error (a RuntimeCrashError: it carries the lost events). */
function isCrash(error: unknown): error is Error & { lost: string[] } {
  return error instanceof Error && Array.isArray((error as { lost?: unknown }).lost)
}

/** An event as crash reports name it: its name and uuid, as the Runner does. */
function describeEvent(event: PluginEvent, index: number): string {
  const uuid = typeof event.uuid === 'string' ? event.uuid : null
  return uuid ? `${event.event} ${uuid}` : `${event.event} (#${index + 1} of the run)`
}

function checkPlugins(plugins: unknown): string[] {
  if (!Array.isArray(plugins) || plugins.length === 0) throw new Error('Choose at least one plugin to run')
  if (plugins.some((p) => typeof p !== 'string')) throw new Error('Plugins are given by their ids (strings)')
  if (new Set(plugins).size !== plugins.length) throw new Error('A plugin appears twice in the pipeline')
  return plugins as string[]
}

function sameList(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((value, i) => value === b[i])
}
