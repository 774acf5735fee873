// PostHog's per-event flow (PH-2022): lazy setupPlugin (RetryError back-off on the clock), the
// processEvent chain in order (null drops, a throw lets the event go on, team_id is guarded),
// `$plugins_*` written onto the input event object, then onEvent/onSnapshot on the
// ProcessedPluginEvent through runRetriableFunction, exportEvents behind the host's export buffer.
// Events go through each plugin in batches: one synchronous crossing into the isolate per batch.
// Everything time-based (scheduled tasks, jobs, flushes, retries) runs on the pipeline's clock, which
// moves only on advance/runUntilIdle (virtual) or with the wall clock (realtime).
import type { LogEntry, PluginEvent } from '../common/plugin/event.ts'
import type {
  CapturedRecord,
  ClockReport,
  EventBatch,
  FetchRecordOut,
  LoadRequest,
  LoadResult,
  PluginLoadResult,
  PluginStoresOut,
  PosthogApiStub,
  RuntimeEvents,
  RuntimeInspection,
  RuntimeOptions,
  RuntimeRecords,
  RuntimeStatus,
  RuntimeTimeState,
  StageResult,
  TeardownResult,
  WireEventResult,
  WireResultsJson,
} from '../common/protocol/runtime.ts'
import { annotate, EVENTS_PER_CHUNK } from '../common/protocol/runtime.ts'
import { DEFAULT_CAPTURE_LOOP_LIMIT, shapeCapture } from './capture.ts'
import { feedCaptured } from './capture-feed.ts'
import { metaHandlers } from './meta-handlers.ts'
import type { Clock, StepResult } from './clock.ts'
import { createClock, DEFAULT_MAX_STEPS } from './clock.ts'
import type { Serialize } from './clock-gate.ts'
import { gateClock } from './clock-gate.ts'
import type { EngineSink } from './plugin-error.ts'
import { PluginEngines } from './plugin-engines.ts'
import { INSTANCE_ID, PluginInstance } from './plugin-instance.ts'
import { fetchOut, iso, RecordBook, timeState } from './pipeline-records.ts'
import { validateStubs } from './posthog-api-stub.ts'
import { toProcessedEvent, validateLoadRequest } from './processed-event.ts'
import { ON_EVENT_MAX_ATTEMPTS, runRetriableFunction } from './retry.ts'
import { isScheduledTask } from './schedule.ts'
import type { ItemResult, JsonItems } from './sandbox/plugin-isolate.ts'
import { EventChunk, EventValue, jsonItems } from './event-value.ts'

export { toProcessedEvent } from './processed-event.ts'

/** Events per crossing into an isolate. */
export const BATCH_SIZE = EVENTS_PER_CHUNK

/**
 * The wall time one advance/runUntilIdle may spend firing timers (each firing may be a plugin call):
 * twice the call limit, at least 5 s. Jobs that enqueue themselves without end stop there (or at the
 * clock's 10 000 firings), with `truncated` and a SYSTEM line naming the plugin and the job.
 */
export function clockWallBudgetMs(timeoutMs: number): number {
  return Math.max(5000, 2 * timeoutMs)
}

/** A stage while the pipeline works: a processEvent's output and the ops as they came (JSON text, mostly). */
type WorkingStage = Omit<StageResult, 'output' | 'ops'> & { output?: EventValue | null; opsJson: string }
/** An EventResult while the pipeline works on it: the annotations are applied only on the way out. */
interface Working {
  input: EventValue
  /** The event after the processEvents so far; null when a plugin dropped it. */
  output: EventValue | null
  error: string | null
  logs: LogEntry[]
  droppedBy: string | null
  stages: WorkingStage[]
  annotations?: WireEventResult['annotations']
  /** A `$snapshot` event (known once a processEvent skipped it, else read from the event). */
  snapshot?: boolean
}
/** An isolate result with what the host added: shaped captures, the fetches it made. */
type RunResult = ItemResult & { fetches?: FetchRecordOut[] }

/**
 * A result as JSON text for the wire (a WireEventResult): the events go in as the isolates wrote
 * them, and the output once (the stage that produced it points at it).
 */
function toWireJson(r: Working): string {
  let stages = ''
  for (const s of r.stages) {
    const { output, opsJson, ...rest } = s
    const json = withRawField(JSON.stringify(output !== undefined && output !== null && output === r.output ? { ...rest, outputIsFinal: true } : rest), 'ops', opsJson)
    const text = output === undefined || (output !== null && output === r.output) ? json : withRawField(json, 'output', output === null ? 'null' : output.json)
    stages += stages === '' ? text : `,${text}`
  }
  const rest: Omit<WireEventResult, 'output' | 'stages'> = { error: r.error, logs: r.logs, droppedBy: r.droppedBy }
  if (r.annotations) rest.annotations = r.annotations
  return withRawField(withRawField(JSON.stringify(rest), 'stages', `[${stages}]`), 'output', r.output === null ? 'null' : r.output.json)
}

/** Adds `"name": <raw JSON>` to an object's JSON text. */
function withRawField(objectJson: string, name: string, raw: string): string {
  return objectJson === '{}' ? `{"${name}":${raw}}` : `${objectJson.slice(0, -1)},"${name}":${raw}}`
}

/** Whether the event came in as a `$snapshot` (PostHog's runProcessEvent checks the input's name). */
const isSnapshot = (r: Working): boolean => (r.snapshot ??= r.input.object?.event === '$snapshot')

type Emit = <K extends keyof RuntimeEvents>(name: K, payload: RuntimeEvents[K]) => void

/** PostHog's IllegalOperationError (utils.ts). */
const TEAM_ID_ERROR = { name: 'IllegalOperationError', message: 'Plugin tried to change event.team_id' }

export class Pipeline {
  private plugins: PluginInstance[] = []
  private options: RuntimeOptions | null = null
  private clock: Clock = createClock('virtual')
  private readonly book = new RecordBook()
  private stubs: PosthogApiStub[] = []
  /** Where logs go during a foreground call (an event's or a load's logs); null: on the clock. */
  private collector: LogEntry[] | null = null
  /** Logs made on the clock since the last ClockReport. */
  private background: LogEntry[] = []
  /** The event whose handling may flush the export buffer right now (its exportEvents stage). */
  private exportTarget: Working | null = null
  /** Capture depth of the events being processed (0: input events and tasks). */
  private depth = 0

  private readonly emit: Emit
  private readonly serialize: Serialize
  constructor(emit: Emit, serialize: Serialize = (fn) => fn()) {
    this.emit = emit
    this.serialize = serialize
  }

  get realtime(): boolean {
    return this.clock.mode === 'realtime'
  }

  async load(request: LoadRequest): Promise<LoadResult> {
    validateLoadRequest(request)
    const stubs = validateStubs(request.options.posthogApi)
    await this.unload()
    this.options = request.options
    this.stubs = stubs
    this.clock.dispose()
    this.clock = gateClock(createClock(request.options.realtime ? 'realtime' : 'virtual', request.options.clockStart !== undefined ? { start: request.options.clockStart } : {}), this.serialize)
    this.book.reset()
    this.background = []
    this.plugins = request.plugins.map((spec, i) => new PluginInstance(spec, i, request.options))
    const setup: PluginLoadResult[] = []
    for (const plugin of this.plugins) {
      const logs: LogEntry[] = []
      plugin.now = () => this.clock.now()
      plugin.lateLog = (entry) => this.route(entry)
      plugin.beforeTask = async () => {
        for (const other of this.plugins) if (other !== plugin && other.cacheNamespace === plugin.cacheNamespace) await other.settled()
      }
      await plugin.load(logs, { now: () => this.clock.now(), handlers: this.hostHandlers(plugin) })
      if (plugin.loaded) {
        const sink: EngineSink = { log: (entry) => this.route(entry) }
        plugin.engines = new PluginEngines(plugin, { clock: this.clock, sink, call: (method, arg) => this.callForEngine(plugin, method, arg) })
        // PH-2022: plugins with scheduled tasks or jobs are set up at load.
        if (plugin.eagerSetup) await this.collecting(logs, () => plugin.engines!.retrier.attempt())
      }
      this.emitLogs(logs)
      const failure = plugin.loadError ?? null
      const entry: PluginLoadResult = {
        plugin: plugin.id,
        name: plugin.name,
        error: failure?.text ?? null,
        ...(failure ? { errorDetail: failure.detail } : {}),
        logs,
        capabilities: plugin.capabilities(),
        setup: plugin.state === 'ready' ? 'ready' : plugin.state === 'deferred' || plugin.state === 'retrying' ? 'deferred' : 'failed',
      }
      if (plugin.state === 'errored') {
        const last = logs.filter((l) => l.source === 'PLUGIN').pop()
        entry.error = last ? last.message.split('\n')[0] : 'setupPlugin failed'
      }
      setup.push(entry)
    }
    return { setup }
  }

  /** The host operations a plugin's meta needs beyond the stores: jobs and posthog.api. */
  private hostHandlers(plugin: PluginInstance): Record<string, (args: unknown[]) => Promise<unknown>> {
    return metaHandlers(plugin, { stubs: this.stubs, book: this.book, now: () => this.clock.now(), log: (entry) => this.route(entry) })
  }

  /**
   * The events' logs and cache/storage ops travel in their results (not as separate `log`/`stateOp`
   * events: the caller has them there, and each would be one more message to send).
   */
  async processEvents(batch: EventBatch): Promise<WireResultsJson> {
    if (!batch || typeof batch !== 'object' || !Array.isArray(batch.chunks)) throw new Error('processEvents expects {chunks: [{json, count}]}: events as JSON array texts')
    if (!this.options) throw new Error('No plugins are loaded: call load first')
    const chunks = batch.chunks.map((c, i) => {
      if (!c || typeof c.json !== 'string' || !Number.isInteger(c.count) || c.count < 0 || c.count > BATCH_SIZE) throw new Error(`processEvents: chunk ${i + 1} must be {json, count} with at most ${BATCH_SIZE} events`)
      return new EventChunk(c.json, c.count)
    })
    let wire = ''
    for (const chunk of chunks) {
      for (const r of await this.process(chunk.values(), 0, chunk)) wire += wire === '' ? toWireJson(r) : `,${toWireJson(r)}`
    }
    if (this.options.feedCaptured) await this.feedCaptured()
    return `[${wire}]`
  }

  private async process(events: EventValue[], depth: number, chunk?: EventChunk): Promise<Working[]> {
    this.depth = depth
    const results: Working[] = events.map((input) => ({ input, output: input, error: null, logs: [], droppedBy: null, stages: [] }))
    // Revive isolates a memory limit killed, then PostHog's lazy setup (getVmMethod on first use).
    const early: LogEntry[] = []
    for (const plugin of this.plugins) plugin.revive(early)
    const setupStages: WorkingStage[] = []
    for (const plugin of this.plugins) {
      if (plugin.state !== 'deferred' && plugin.state !== 'retrying') continue
      if (!['processEvent', 'onEvent', 'onSnapshot'].some((m) => plugin.has(m))) continue
      const logs: LogEntry[] = []
      const retrier = plugin.engines!.retrier
      const before = retrier.attempts().length
      const started = performance.now()
      await this.collecting(logs, () => retrier.setupPluginIfNeeded())
      const last = retrier.attempts().slice(before).pop()
      setupStages.push(stage(plugin.id, 'setupPlugin', last && last.outcome !== 'ok' ? (last.error ?? 'setupPlugin failed') : null, logs, performance.now() - started, null))
    }
    if (results.length > 0) {
      results[0].logs.push(...early)
      for (const s of setupStages) {
        results[0].stages.push(s)
        results[0].logs.push(...s.logs)
      }
    } else {
      this.emitLogs(early)
      for (const s of setupStages) this.emitLogs(s.logs)
    }
    if (chunk) await this.runBatch(results, chunk)
    else for (let start = 0; start < events.length; start += BATCH_SIZE) await this.runBatch(results.slice(start, start + BATCH_SIZE))
    return results
  }

  /** `chunk`: the batch's events as the studio sent them (JSON), handed on as they are while no plugin changed them. */
  private async runBatch(batch: Working[], chunk?: EventChunk): Promise<void> {
    const same = batch.map(() => true)
    const succeeded: string[][] = batch.map(() => [])
    const failed: string[][] = batch.map(() => [])
    const deferred: string[][] = batch.map(() => [])
    const alive = (i: number) => batch[i].output !== null
    for (const plugin of this.plugins) {
      if (!plugin.usable) continue // failed or errored: PostHog treats its methods as absent
      if (plugin.has('processEvent')) {
        // `$snapshot` events go in too: the isolate skips them (it reads the event's name, the host need not parse it).
        const idx = batch.map((_, i) => i).filter(alive)
        if (idx.length > 0) {
          const untouched = chunk !== undefined && idx.length === batch.length && batch.every((r) => r.output === r.input)
          const input: JsonItems = untouched ? { json: chunk.json, count: chunk.count } : jsonItems(idx.map((i) => batch[i].output!))
          const items = await this.runItems(plugin, 'processEvent', input, true)
          idx.forEach((i, k) => {
            const r = items[k]
            const result = batch[i]
            result.snapshot ??= r.skipped === true
            if (r.skipped) return
            if (r.error) {
              const described = plugin.describe(r.error)
              // What the plugin changed in place before it threw goes on (the isolate sends the event back).
              if (r.json?.[0] === '{') result.output = EventValue.fromJson(r.json)
              failed[i].push(plugin.identifier)
              this.attach(result, plugin, 'processEvent', r, described.text, described.detail, result.output)
              result.logs.push(plugin.log('error', 'PLUGIN', described.logMessage))
              result.error ??= described.text
              return
            }
            same[i] &&= (r as ItemResult & { same?: boolean }).same === true
            if (r.json === undefined || r.json === 'null') {
              result.output = null
              result.droppedBy = plugin.id
              this.attach(result, plugin, 'processEvent', r, null, undefined, null)
              return
            }
            const value = EventValue.fromJson(r.json)
            if (r.teamIdChanged) {
              result.output = value
              failed[i].push(plugin.identifier)
              this.attach(result, plugin, 'processEvent', r, `${TEAM_ID_ERROR.name}: ${TEAM_ID_ERROR.message}`, TEAM_ID_ERROR, value)
              result.logs.push(plugin.log('error', 'PLUGIN', `${TEAM_ID_ERROR.name}: ${TEAM_ID_ERROR.message}`))
              result.error ??= `${TEAM_ID_ERROR.name}: ${TEAM_ID_ERROR.message}`
              return
            }
            result.output = value
            succeeded[i].push(plugin.identifier)
            this.attach(result, plugin, 'processEvent', r, null, undefined, value)
          })
        }
      }
      if (plugin.has('onEvent') || plugin.has('onSnapshot')) {
        batch.forEach((r, i) => alive(i) && deferred[i].push(plugin.identifier))
      }
    }
    // runProcessEvent writes the annotations onto the event object it was given: the plugins' output
    // carries them only while every plugin returned the object it received.
    batch.forEach((r, i) => {
      if (!alive(i)) return
      if (!succeeded[i].length && !failed[i].length && !deferred[i].length) return
      if (!same[i] || isSnapshot(r)) return
      r.annotations = { succeeded: succeeded[i], failed: failed[i], deferred: deferred[i] }
    })
    // onEvent / onSnapshot on the processed event, every plugin that has it.
    for (const plugin of this.plugins) {
      if (!plugin.usable) continue
      for (const method of ['onEvent', 'onSnapshot'] as const) {
        if (!plugin.has(method)) continue
        const idx = batch.map((_, i) => i).filter((i) => alive(i) && (batch[i].output!.object.event === '$snapshot') === (method === 'onSnapshot'))
        if (idx.length > 0) await this.runOnEvent(plugin, method, idx.map((i) => batch[i]))
      }
    }
  }

  /**
   * PH-2022 runRetriableFunction per event: a RetryError is retried on the clock (5 s, 10 s, 20 s,
   * 40 s). For an exporter, each attempt first adds the event to the export buffer (PostHog's onEvent
   * wrapper), so a flush by size happens right here. Without a buffer, the first attempts of a batch
   * cross into the isolate together.
   */
  private async runOnEvent(plugin: PluginInstance, method: 'onEvent' | 'onSnapshot', targets: Working[]): Promise<void> {
    const engines = plugin.engines!
    const processed = targets.map((r) => toProcessedEvent(r.annotations ? annotate(r.output!.object, r.annotations) : r.output!.object))
    const buffer = method === 'onEvent' ? engines.buffer : null
    const own = method === 'onSnapshot' || plugin.caps.ownOnEvent
    const first = !buffer && own ? await this.runItems(plugin, method, processed) : null
    for (const [k, result] of targets.entries()) {
      let firstError: string | null = null
      const run = await this.collecting(result.logs, () =>
        runRetriableFunction({
          clock: this.clock,
          plugin: engines.ref,
          sink: { log: (entry) => this.route(entry) },
          tag: method,
          event: processed[k],
          tryFn: async (attempt) => {
            if (buffer) {
              this.exportTarget = attempt === 1 ? result : null
              try {
                await buffer.add(processed[k])
              } finally {
                this.exportTarget = null
              }
            }
            if (!own) return
            const r = attempt === 1 && first ? first[k] : (await this.runItems(plugin, method, [processed[k]]))[0]
            const described = r.error ? plugin.describe(r.error, { attempt, maxAttempts: ON_EVENT_MAX_ATTEMPTS }) : null
            if (attempt === 1) {
              this.attach(result, plugin, method, r, described?.text ?? null, described?.detail)
              firstError = described?.text ?? null
            } else for (const l of plugin.consoleLogs(r)) this.route(l)
            if (r.error) throw plugin.errorValue(r.error)
          },
        }),
      )
      if (run.firstAttempt === 'failed') result.error ??= firstError ?? 'onEvent failed'
    }
  }

  /** Runs a plugin method over items; the host's part of each result (captures, fetches) added. */
  private async runItems(plugin: PluginInstance, method: string, items: unknown[] | JsonItems, valuesAsJson = false): Promise<RunResult[]> {
    if (!plugin.sandbox || plugin.sandbox.dead) {
      const reason = plugin.sandbox?.dead ?? 'The plugin has no isolate'
      return Array.from({ length: Array.isArray(items) ? items.length : items.count }, () => ({ value: undefined, error: { name: 'Error', message: reason }, logs: [], captures: [], apiCalls: [], jobs: [], ms: 0 }))
    }
    const fetchesBefore = plugin.meta?.fetches.records().length ?? 0
    const results = (await plugin.run(method, items, valuesAsJson)) as RunResult[]
    const records = plugin.meta?.fetches.records() ?? []
    for (let i = fetchesBefore; i < records.length; i++) {
      const target = results[plugin.fetchItems[i]] ?? results[results.length - 1]
      if (target) (target.fetches ??= []).push(fetchOut(plugin.id, records[i]))
    }
    for (const r of results) {
      if (!r.captures.length) continue
      r.captures = r.captures.map((raw) => {
        const event = shapeCapture(raw, { teamId: this.options!.teamId, pluginName: plugin.name, pluginId: plugin.spec.pluginId ?? plugin.id, now: this.clock.now() })
        this.book.captured.push({ time: iso(this.clock.now()), plugin: plugin.id, depth: this.depth + 1, event, fed: 'pending' })
        return event
      })
    }
    return results
  }

  /** The engines' way into a plugin: one call, its logs and cache writes handled; rejects with the plugin's error. */
  private async callForEngine(plugin: PluginInstance, method: string, arg: unknown): Promise<unknown> {
    const [r] = await this.runItems(plugin, method, [arg])
    const target = method === 'exportEvents' ? this.exportTarget : null
    if (target) {
      // A flush while an event is handled (the buffer went over its size) shows as that event's exportEvents stage.
      const described = r.error ? plugin.describe(r.error) : null
      this.attach(target, plugin, 'exportEvents', r, described?.text ?? null, described?.detail)
    } else for (const l of plugin.consoleLogs(r)) this.route(l)
    for (const op of plugin.ops(r)) this.emit('stateOp', { ...op, plugin: plugin.id })
    if (r.error) throw plugin.errorValue(r.error)
    return r.value
  }

  private attach(result: Working, plugin: PluginInstance, method: StageResult['method'], r: RunResult, error: string | null = null, detail?: StageResult['errorDetail'], output?: EventValue | null): void {
    const logs = plugin.consoleLogs(r)
    const s = stage(plugin.id, method, error, logs, r.ms, r, detail)
    if (output !== undefined) s.output = output
    result.stages.push(s)
    result.logs.push(...logs)
  }

  /** Runs `fn` with the engines' logs going to `logs` (restored after, also when fn throws). */
  private async collecting<T>(logs: LogEntry[], fn: () => Promise<T>): Promise<T> {
    const previous = this.collector
    this.collector = logs
    try {
      return await fn()
    } finally {
      this.collector = previous
    }
  }

  private route(entry: LogEntry): void {
    if (this.collector) this.collector.push(entry)
    else {
      this.background.push(entry)
      this.emit('log', entry)
    }
  }

  /** Feeds pending captured events through the pipeline, generation by generation, with the loop guard. */
  async feedCaptured(): Promise<CapturedRecord[]> {
    if (!this.options) throw new Error('No plugins are loaded: call load first')
    try {
      return await feedCaptured({
        book: this.book,
        limit: this.options.captureLoopLimit ?? DEFAULT_CAPTURE_LOOP_LIMIT,
        pluginName: (id) => this.plugins.find((p) => p.id === id)?.name ?? id,
        now: () => this.clock.now(),
        log: (entry) => this.route(entry),
        process: async (events, depth) => {
          const results = await this.process(events.map((e) => EventValue.fromObject(e)), depth)
          for (const r of results) {
            this.background.push(...r.logs)
            this.emitLogs(r.logs)
          }
          return results.map((r) => ({ output: r.output === null ? null : r.output.object, annotations: r.annotations, error: r.error, droppedBy: r.droppedBy }))
        },
      })
    } finally {
      this.depth = 0
    }
  }

  // ---- the clock -----------------------------------------------------------------------------------

  async advance(ms: number): Promise<ClockReport> {
    this.requireLoaded()
    if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) throw new Error(`advance needs a duration of 0 ms or more, not ${String(ms)}`)
    await this.settleCaches()
    const started = performance.now()
    return this.report(await this.clock.advance(ms, { maxWallMs: this.wallBudgetMs() }), started)
  }

  async runUntilIdle(): Promise<ClockReport> {
    this.requireLoaded()
    await this.settleCaches()
    const started = performance.now()
    return this.report(await this.clock.runUntilIdle({ maxWallMs: this.wallBudgetMs() }), started)
  }

  /** The cache writes still waiting go to the store before the clock moves (their TTLs start now). */
  private async settleCaches(): Promise<void> {
    for (const plugin of this.plugins) await plugin.settled()
  }

  private wallBudgetMs(): number {
    return clockWallBudgetMs(this.options!.timeoutMs)
  }

  /** A clock run stopped by a bound: which plugin's job (or which timer) kept it busy, as a SYSTEM line. */
  private noteTruncated(step: StepResult, started: number): void {
    let worst: { plugin: PluginInstance; job: string; waiting: number } | null = null
    for (const plugin of this.plugins) {
      const counts = new Map<string, number>()
      for (const job of plugin.engines?.jobs.queued() ?? []) counts.set(job.name, (counts.get(job.name) ?? 0) + 1)
      for (const [job, waiting] of counts) if (!worst || waiting > worst.waiting) worst = { plugin, job, waiting }
    }
    const seconds = ((performance.now() - started) / 1000).toFixed(1)
    const bound = `at most ${DEFAULT_MAX_STEPS} timers or ${this.wallBudgetMs() / 1000} s of wall time per call`
    const what = `Plugin Studio stopped running the clock after ${step.fired.length} timers in ${seconds} s (${bound})`
    if (worst) {
      this.route(worst.plugin.log('warn', 'SYSTEM', `${what}: the job "${worst.job}" of ${worst.plugin.name} keeps enqueueing itself (${worst.waiting} waiting). The rest stays queued.`))
    } else {
      const labels = new Map<string, number>()
      for (const t of step.fired) labels.set(t.label, (labels.get(t.label) ?? 0) + 1)
      const top = [...labels].sort((a, b) => b[1] - a[1])[0]
      this.route({ level: 'warn', source: 'SYSTEM', message: `${what}${top ? `: mostly "${top[0]}" (${top[1]}×)` : ''}. The rest stays queued.`, time: this.clock.now() })
    }
  }

  async fireScheduled(request: { plugin: string; task: string }): Promise<ClockReport> {
    this.requireLoaded()
    const plugin = this.plugins.find((p) => p.id === request?.plugin)
    if (!plugin) throw new Error(`fireScheduled: no plugin "${request?.plugin}" is loaded (loaded: ${this.plugins.map((p) => p.id).join(', ') || 'none'})`)
    const scheduler = plugin.engines?.scheduler
    const task = String(request.task)
    if (!scheduler || !isScheduledTask(task)) throw new Error(`fireScheduled: the plugin "${plugin.name}" does not export ${task}; it exports ${plugin.caps.scheduledTasks.join(', ') || 'no scheduled tasks'}`)
    if (plugin.state !== 'ready') throw new Error(`fireScheduled: ${plugin.name} is not set up (${plugin.state}); PostHog runs no scheduled tasks then`)
    await this.settleCaches()
    await scheduler.fireNow(task)
    return this.report({ fired: [], errors: [], truncated: false, now: this.clock.now() })
  }

  private async report(step: StepResult, started?: number): Promise<ClockReport> {
    if (step.truncated && started !== undefined && this.clock.mode === 'virtual') this.noteTruncated(step, started)
    if (this.options?.feedCaptured) await this.feedCaptured()
    const logs = this.background
    this.background = []
    return { now: iso(this.clock.now()), mode: this.clock.mode, fired: step.fired.map((t) => ({ label: t.label, time: iso(t.time) })), truncated: step.truncated, logs }
  }

  state(): RuntimeTimeState {
    return timeState(this.plugins, this.clock, (p) => (p.engines?.buffer?.contents() ?? []) as PluginEvent[])
  }

  records(): RuntimeRecords {
    return this.book.collect(this.plugins, this.clock)
  }

  /** Each plugin's cache keys (values, TTLs) and storage contents, read from the host stores. */
  async inspect(): Promise<RuntimeInspection> {
    const plugins: PluginStoresOut[] = []
    for (const plugin of this.plugins) {
      const meta = plugin.meta
      if (!meta) {
        plugins.push({ plugin: plugin.id, cache: [], storage: [] })
        continue
      }
      try {
        await plugin.settled()
        const [cache, storage] = await Promise.all([meta.cache.snapshot(), meta.storage.snapshot()])
        plugins.push({ plugin: plugin.id, cache, storage, global: await readGlobal(plugin) })
      } catch (error) {
        plugins.push({ plugin: plugin.id, cache: [], storage: [], error: (error as Error)?.message ?? String(error) })
      }
    }
    return { now: iso(this.clock.now()), plugins }
  }

  private requireLoaded(): void {
    if (!this.options) throw new Error('No plugins are loaded: call load first')
  }

  async unload(): Promise<TeardownResult> {
    const teardown: TeardownResult['teardown'] = []
    for (const plugin of this.plugins) {
      const logs: LogEntry[] = []
      let error: string | null = null
      const engines = plugin.engines
      if (plugin.state === 'ready' && plugin.has('teardownPlugin') && plugin.sandbox && !plugin.sandbox.dead) {
        await this.collecting(logs, async () => {
          // PostHog's upgraded teardownPlugin: Promise.all([buffer.flush(), oldTeardown()]) — here one after the other (one isolate).
          await engines?.buffer?.teardown()
          const [r] = await this.runItems(plugin, 'teardownPlugin', [null])
          logs.push(...plugin.consoleLogs(r))
          if (r.error) {
            const described = plugin.describe(r.error)
            error = described.text
            logs.push(plugin.log('error', 'PLUGIN', described.logMessage))
            logs.push(plugin.log('error', 'SYSTEM', `Plugin failed to unload (instance ID ${INSTANCE_ID}).`))
          } else logs.push(plugin.log('info', 'SYSTEM', `Plugin unloaded (instance ID ${INSTANCE_ID}).`))
        })
      }
      await engines?.stop()
      this.emitLogs(logs)
      teardown.push({ plugin: plugin.id, error, logs })
    }
    if (this.plugins.length > 0) this.book.freeze(this.plugins, this.clock)
    for (const plugin of this.plugins) await plugin.close()
    this.clock.dispose()
    this.plugins = []
    this.options = null
    return { teardown }
  }

  status(): RuntimeStatus {
    const isolateHeapBytes: Record<string, number> = {}
    for (const p of this.plugins) isolateHeapBytes[p.id] = p.sandbox?.heapBytes() ?? 0
    return { pid: process.pid, node: process.version, plugins: this.plugins.map((p) => p.id), isolateHeapBytes }
  }

  private emitLogs(logs: LogEntry[]): void {
    for (const l of logs) this.emit('log', l)
  }
}

function stage(plugin: string, method: StageResult['method'], error: string | null, logs: LogEntry[], durationMs: number, r: RunResult | null, detail?: StageResult['errorDetail']): WorkingStage {
  const s: WorkingStage = { plugin, method, error, logs, durationMs, opsJson: r?.opsJson ?? '[]' }
  if (detail) s.errorDetail = detail
  if (r?.captures.length) s.captures = r.captures
  if (r?.apiCalls.length) s.apiCalls = r.apiCalls
  if (r?.jobs.length) s.jobs = r.jobs
  if (r?.fetches?.length) s.fetches = r.fetches
  return s
}

/** A plugin's meta.global for the inspector; a description of the failure instead of throwing. */
async function readGlobal(plugin: { sandbox: { dead: string | null; inspectGlobal(): Promise<unknown> } | null }): Promise<unknown> {
  if (!plugin.sandbox || plugin.sandbox.dead) return undefined
  try {
    return await plugin.sandbox.inspectGlobal()
  } catch (error) {
    return `[global could not be read: ${(error as Error)?.message ?? String(error)}]`
  }
}
