// The contract between the studio backend (main/services/runner) and the runtime process
// (runtime/main.ts). Both sides speak common/rpc over the child's IPC channel; everything is JSON.
import type { SerializedError } from '../rpc/messages.ts'
import type { LogEntry, PluginEvent } from '../plugin/event.ts'

export const RUNTIME_METHODS = [
  'load', 'processEvents', 'unload', 'status', 'advance', 'runUntilIdle', 'fireScheduled', 'state', 'records', 'feedCaptured', 'inspect',
  // debugging (see the section below)
  'debugSetBreakpoints', 'debugCommand', 'debugEvaluate', 'debugGetProperties', 'debugCdpOpen', 'debugCdpSend', 'debugCdpClose',
] as const

/** An attachment as the backend hands it over: contents travel as base64, become a Buffer in the isolate. */
export interface AttachmentSpec {
  content_type: string
  file_name: string
  contentsBase64: string
}

/** One plugin of the pipeline, as a PostHog plugin config would describe it. */
export interface PluginSpec {
  /** Stable id within the pipeline (shown in logs and results), e.g. the folder name. */
  id: string
  /** Absolute path of the plugin folder (holds plugin.json). */
  dir: string
  /** Config values as strings, as PostHog passes them. plugin.json defaults are applied by the runtime. */
  config: Record<string, string>
  attachments: Record<string, AttachmentSpec>
  /** PostHog's plugin config id (shown in `$plugins_succeeded` and TimeoutError texts); the 1-based position when absent. */
  configId?: number
  /** PostHog's plugin id, the cache namespace `@plugin/<pluginId>/<teamId>/`; `id` when absent. */
  pluginId?: string
  /**
   * Load the plugin disabled, for this reason: the runner's reload after the watchdog ended the
   * runtime process because of it (the rest of the pipeline works; its setup result says why).
   */
  disabled?: string
}

export interface RuntimeOptions {
  /** Per plugin call (PostHog's TASK_TIMEOUT, 30 000 ms by default). */
  timeoutMs: number
  /** Per isolate. */
  memoryMb: number
  teamId: number
  /** A real Redis for meta.cache; the embedded ioredis-mock when absent. */
  redisUrl?: string
  /** Where meta.storage persists (a folder in the workspace); in memory when absent. */
  storageDir?: string
  /** cache.get on a missing key: the default (seed docs, PH-late; the default) or null (PS-2021/PH-2022). */
  cacheGetMissing?: 'default' | 'null'
  /** Which fetches plugins may make (runtime/meta/fetch-policy.ts); any public http(s) host when absent. */
  fetchPolicy?: { mode: 'allow' | 'fixtures' | 'deny'; allowHosts: string[]; allowSchemes?: string[] }
  /** Recorded responses the 'fixtures' fetch mode answers from (records().fetchFixtures gives them after an 'allow' run). */
  fetchFixtures?: FetchFixtureSpec[]
  /** The runtime clock follows the wall clock (real timers); otherwise it is virtual and moves only on advance/runUntilIdle. */
  realtime?: boolean
  /** Virtual clock start, ms since the epoch (default 2022-08-12T00:00:00Z). */
  clockStart?: number
  /** Feed posthog.capture events back through the pipeline, as PostHog does (default false: only collected). */
  feedCaptured?: boolean
  /** How many generations of captured-from-captured events are fed back before the loop guard stops (default 10). */
  captureLoopLimit?: number
  /** Answers for posthog.api calls; an unmatched call gets a 404 naming the path and this setting. */
  posthogApi?: PosthogApiStub[]
  /**
   * Debug mode (runtime/debug): isolates with V8's inspector, driven asynchronously so a breakpoint
   * can pause a call; time limits count only running time. Slower per crossing; off by default.
   */
  debug?: boolean
}

/** A recorded fetch response: matched by method, URL and (when given) the sha256 of the request body. */
export interface FetchFixtureSpec {
  method: string
  url: string
  bodyHash?: string
  response: { status: number; statusText: string; headers: [string, string][]; bodyBase64: string; url: string; redirected: boolean }
}

/** One canned posthog.api answer. `path` matches with or without surrounding slashes; `method` '*' matches any. */
export interface PosthogApiStub {
  method: string
  path: string
  status: number
  body: unknown
}

export interface Capabilities {
  methods: string[]
  jobs: string[]
  scheduled_tasks: string[]
}

export interface PluginLoadResult {
  plugin: string
  name: string
  /** Load, compile or setupPlugin failure, as PostHog would record it; null when ready. */
  error: string | null
  errorDetail?: SerializedError
  logs: LogEntry[]
  capabilities: Capabilities
  /**
   * PH-2022's lazy setup: 'ready' when setupPlugin ran at load (plugins with jobs or scheduled tasks,
   * exportEvents included), 'deferred' until the first event, 'failed' when load or setup failed.
   */
  setup: 'ready' | 'deferred' | 'failed'
}

export interface LoadRequest {
  plugins: PluginSpec[]
  options: RuntimeOptions
}

export interface LoadResult {
  setup: PluginLoadResult[]
}

/** A change a plugin made to its cache or storage during one stage. */
export interface StateOp {
  kind: 'cache' | 'storage'
  op: string
  key: string
  value?: unknown
}

/** One plugin method's work on one event. */
export interface StageResult {
  plugin: string
  /** setupPlugin appears on the first event when PostHog's lazy setup ran then. */
  method: 'setupPlugin' | 'processEvent' | 'onEvent' | 'onSnapshot' | 'exportEvents'
  /** For processEvent: what it returned (null = dropped). Absent for onEvent. */
  output?: PluginEvent | null
  error: string | null
  errorDetail?: SerializedError
  logs: LogEntry[]
  durationMs: number
  ops: StateOp[]
  /** posthog.capture calls, shaped as PostHog sends them. */
  captures?: unknown[]
  /** posthog.api calls (answered by the stub). */
  apiCalls?: unknown[]
  /** meta.jobs enqueues (the job queue runs them on the clock). */
  jobs?: unknown[]
  /** fetch requests made during this stage. */
  fetches?: FetchRecordOut[]
}

export interface EventResult {
  input: PluginEvent
  /** The event after every processEvent; null when a plugin dropped it. */
  output: PluginEvent | null
  /** The first error a plugin raised on this event (the event went on), as PostHog's log shows it. */
  error: string | null
  logs: LogEntry[]
  droppedBy: string | null
  stages: StageResult[]
}

/**
 * Events as they cross the IPC channel to the runtime: chunks of at most EVENTS_PER_CHUNK events,
 * each one JSON array text. The runtime hands a chunk's text to the first plugin's isolate as it is
 * and never parses it itself unless it must look inside (onEvent, the export buffer).
 */
export interface EventBatch {
  chunks: { json: string; count: number }[]
}

/** Events per chunk of an EventBatch: one crossing into each isolate, one cache write-through. */
export const EVENTS_PER_CHUNK = 100

/**
 * An EventResult as it crosses the IPC channel: without the input (the caller has it), the final
 * output once (a processEvent stage that produced it says `outputIsFinal`), and PostHog's
 * `$plugins_*` annotations as lists. The runtime sends a batch's results as one JSON text
 * (`WireResultsJson`) with the events spliced in as the isolates wrote them, so neither side
 * serialises an event twice; `expandEventResults` gives back the full EventResult.
 */
export interface WireEventResult {
  output: PluginEvent | null
  /** `$plugins_succeeded/failed/deferred` as runProcessEvent wrote them onto the event, when it did. */
  annotations?: { succeeded: string[]; failed: string[]; deferred: string[] }
  error: string | null
  logs: LogEntry[]
  droppedBy: string | null
  stages: (StageResult & { outputIsFinal?: boolean })[]
}

/** The JSON text of a WireEventResult[]. */
export type WireResultsJson = string

/** PostHog's runProcessEvent: `event.properties = {...event.properties, $plugins_succeeded, …}`. */
export function annotate(event: PluginEvent, a: NonNullable<WireEventResult['annotations']>): PluginEvent {
  return { ...event, properties: { ...event.properties, $plugins_succeeded: a.succeeded, $plugins_failed: a.failed, $plugins_deferred: a.deferred } }
}

/**
 * How deep an event may nest objects and arrays (the event itself is level 1). Deeper events fail
 * alone, before they reach the runtime: serialising them for IPC and into the isolates recurses,
 * and from a few thousand levels that overflows the stack and takes the whole call with it.
 */
export const MAX_EVENT_DEPTH = 1500

/** Null when `event` nests at most MAX_EVENT_DEPTH levels; else the error for that event. Iterative: any depth is safe. */
export function eventDepthError(event: unknown, limit = MAX_EVENT_DEPTH): string | null {
  if (event === null || typeof event !== 'object') return null
  const stack: [object, number][] = [[event, 1]]
  while (stack.length > 0) {
    const [value, depth] = stack.pop()!
    if (depth > limit) return `The event nests objects and arrays more than ${limit} levels deep; Plugin Studio does not process events nested deeper than ${limit} levels (the other events go on)`
    for (const child of Array.isArray(value) ? value : Object.values(value)) {
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1])
    }
  }
  return null
}

/** The result of an event that was refused before any plugin ran (e.g. nested too deep). */
export function refusedEventResult(error: string): WireEventResult {
  return { output: null, error, logs: [], droppedBy: null, stages: [] }
}

export function expandEventResults(inputs: PluginEvent[], wire: WireEventResult[]): EventResult[] {
  return wire.map((w, i) => {
    const stages = w.stages.map((s): StageResult => {
      if (!s.outputIsFinal) return s
      const { outputIsFinal: _final, ...stage } = s
      return { ...stage, output: w.output }
    })
    const output = w.output && w.annotations ? annotate(w.output, w.annotations) : w.output
    return { input: inputs[i], output, error: w.error, logs: w.logs, droppedBy: w.droppedBy, stages }
  })
}

export interface TeardownResult {
  teardown: { plugin: string; error: string | null; logs: LogEntry[] }[]
}

export interface RuntimeStatus {
  pid: number
  node: string
  plugins: string[]
  /** Heap use per plugin isolate, in bytes. */
  isolateHeapBytes: Record<string, number>
}

// ---- time and side effects (runtime/clock.ts and the engines) -----------------------------------------
// Every record carries `time`: the runtime clock's ISO time it happened at.

export interface CapturedRecord {
  time: string
  plugin: string
  /** 1 for a capture from an input event or a task; n+1 for one captured while a depth-n capture was processed. */
  depth: number
  /** PostHog's captured data: {distinct_id, event, timestamp, properties: {$lib, $lib_version, distinct_id, …}, team_id, uuid}. */
  event: PluginEvent
  /** 'pending': not fed back (yet); 'fed': went through the pipeline; 'stopped': the loop guard refused it. */
  fed: 'pending' | 'fed' | 'stopped'
  result?: { output: PluginEvent | null; error: string | null; droppedBy: string | null }
  error?: string
}

export interface ApiCallRecord {
  time: string
  plugin: string
  method: string
  path: string
  host: string
  data: unknown
  status: number
  /** false when no stub matched (the call got the 404 that names the setting). */
  stubbed: boolean
}

export interface FetchRecordOut {
  time: string
  plugin: string
  url: string
  method: string
  status: number | null
  durationMs: number
  source: 'network' | 'fixture' | 'refused'
  requestHeaders: [string, string][]
  responseBodyPreview: string | null
  error?: string
}

export interface JobRecordOut {
  /** When it was enqueued. */
  time: string
  plugin: string
  id: number
  name: string
  payload: unknown
  runAt: string
  status: 'queued' | 'running' | 'ok' | 'error' | 'cancelled'
  startedAt?: string
  endedAt?: string
  error?: string
}

export interface ScheduledRecordOut {
  /** When it started. */
  time: string
  plugin: string
  task: string
  due: string
  trigger: 'schedule' | 'manual'
  status: 'running' | 'ok' | 'error' | 'skipped'
  endedAt?: string
  error?: string
}

export interface ExportRecordOut {
  time: string
  plugin: string
  batchId: number
  size: number
  attempt: number
  outcome: 'delivered' | 'retry' | 'dropped' | 'error'
  nextRetryAt?: string
  error?: string
}

export interface ExportMetricsOut {
  delivered: number
  retried: number
  failed: number
}

export interface RuntimeRecords {
  now: string
  captured: CapturedRecord[]
  exported: ExportRecordOut[]
  exportMetrics: Record<string, ExportMetricsOut>
  fetches: FetchRecordOut[]
  jobs: JobRecordOut[]
  scheduled: ScheduledRecordOut[]
  apiCalls: ApiCallRecord[]
  /** The network responses seen, as fixtures for the 'fixtures' fetch mode (secret headers redacted). */
  fetchFixtures: FetchFixtureSpec[]
}

/** What an advance / runUntilIdle / fireScheduled did. */
export interface ClockReport {
  now: string
  mode: 'virtual' | 'realtime'
  fired: { label: string; time: string }[]
  /** True when a bound stopped the run with work still due. */
  truncated: boolean
  /** Everything the plugins and the engines logged meanwhile. */
  logs: LogEntry[]
}

export interface PluginTimeState {
  plugin: string
  setup: 'deferred' | 'retrying' | 'ready' | 'errored' | 'failed'
  nextSetupRetryAt: string | null
  scheduled: { task: string; at: string; cron: string }[]
  runningTasks: string[]
  queuedJobs: JobRecordOut[]
  exportBuffer: { events: number; bytes: number; flushAt: string | null; limits: { bytes: number; seconds: number }; contents: PluginEvent[] } | null
  exportMetrics: ExportMetricsOut | null
}

export interface RuntimeTimeState {
  now: string
  mode: 'virtual' | 'realtime'
  timers: { label: string; time: string; background: boolean }[]
  plugins: PluginTimeState[]
}

/** One meta.cache key of a plugin, for the state inspector (namespace stripped). */
export interface CacheEntryOut {
  key: string
  /** Strings as stored JSON (parsed when it parses), lists as string[]. */
  value: unknown
  type: 'string' | 'list' | 'other'
  /** Milliseconds left: on the runtime clock for the embedded cache, in real time for a real Redis; null: no expiry. */
  ttlMs: number | null
}

/** What a plugin keeps in meta.cache and meta.storage right now. */
export interface PluginStoresOut {
  plugin: string
  cache: CacheEntryOut[]
  storage: { key: string; value: unknown }[]
  /**
   * The plugin's meta.global as JSON-safe values: Set/Map as `{"[Set(n)]": [...]}`, functions as
   * "[Function name]", cycles "[Circular]", bounded depth and size. Absent when no isolate is live.
   */
  global?: unknown
  /** Why the stores could not be read (e.g. a real Redis that is down); the lists are then empty. */
  error?: string
}

export interface RuntimeInspection {
  now: string
  plugins: PluginStoresOut[]
}

// ---- debugging (runtime/debug): breakpoints in the plugin's own source, relayed from V8's inspector ----
// Files are absolute paths of the plugin's sources, lines and columns 1-based (the editor's numbering).
// Ids of call frames and objects are valid only while that pause lasts.

export interface DebugBreakpoint {
  file: string
  line: number
  /** A JavaScript expression: the breakpoint pauses only when it is truthy. */
  condition?: string
}

export interface DebugBreakpointState extends DebugBreakpoint {
  /** The plugin whose code holds the line (absent when no loaded plugin has that file). */
  plugin?: string
  /** True when V8 placed it on code. */
  verified: boolean
  /** The line it really stops on (a blank or comment line moves to the next line with code). */
  actualLine?: number
}

/** A value as the inspector describes it; objects carry an id to expand them (debugGetProperties). */
export interface DebugValue {
  type: string
  subtype?: string
  className?: string
  /** Short text for the value (e.g. `Object`, `Array(3)`, a function's source head). */
  description?: string
  /** Primitives only (strings, numbers, booleans, null). */
  value?: unknown
  /** Unserializable primitives (`NaN`, `-0`, `Infinity`, bigints). */
  unserializable?: string
  objectId?: string
}

export interface DebugScope {
  /** CDP scope types: local, closure, block, catch, script, module, global, with, eval. */
  type: string
  name?: string
  objectId: string
}

export interface DebugCallFrame {
  id: string
  functionName: string
  file: string
  line: number
  column: number
  scopes: DebugScope[]
}

export interface DebugPaused {
  plugin: string
  /** CDP's reason: 'other' for a breakpoint or a step, 'exception', 'debugCommand' (pause), … */
  reason: string
  /** The breakpoints that stopped it, when one did. */
  hitBreakpoints: DebugBreakpoint[]
  /** The plugin's frames only, innermost first (the runtime's own frames are left out). */
  callFrames: DebugCallFrame[]
}

export interface DebugProperty {
  name: string
  value: DebugValue
}

export type DebugCommand = 'resume' | 'stepOver' | 'stepInto' | 'stepOut' | 'pause' | 'stop'

export type RuntimeMethods = {
  /** Replaces whatever was loaded: tears the old pipeline down, loads and sets up the new one. */
  load(request: LoadRequest): Promise<LoadResult>
  /** Runs events through the pipeline in order; one result per event, in order (expandEventResults). */
  processEvents(batch: EventBatch): Promise<WireResultsJson>
  /** Runs teardownPlugin everywhere and disposes the isolates. */
  unload(): Promise<TeardownResult>
  status(): Promise<RuntimeStatus>
  /** Moves the clock forward by `ms` (virtual), or waits that long (realtime), running what falls due. */
  advance(ms: number): Promise<ClockReport>
  /** Runs jobs, retries and flushes until only the recurring schedule is left (bounded). */
  runUntilIdle(): Promise<ClockReport>
  /** Runs a plugin's scheduled task now (the studio's "run now"), with PostHog's debounce. */
  fireScheduled(request: { plugin: string; task: string }): Promise<ClockReport>
  /** Next scheduled runs, queued jobs, export buffers and metrics, per plugin. */
  state(): Promise<RuntimeTimeState>
  /** Everything recorded since load (kept after unload until the next load). */
  records(): Promise<RuntimeRecords>
  /** Feeds the captured events not fed yet through the pipeline (with the loop guard). */
  feedCaptured(): Promise<CapturedRecord[]>
  /** Each plugin's meta.cache keys (values, TTLs) and meta.storage contents, for the state inspector. */
  inspect(): Promise<RuntimeInspection>
  // The debug methods answer while a call is paused (they do not wait for it); debug mode only.
  /** Replaces every breakpoint (and turns breakpoints on again after a 'stop'). */
  debugSetBreakpoints(breakpoints: DebugBreakpoint[]): Promise<DebugBreakpointState[]>
  /** Steps or resumes the paused call; 'pause' stops a running one; 'stop' resumes with breakpoints off until the next debugSetBreakpoints. */
  debugCommand(command: DebugCommand): Promise<void>
  /** Evaluates in a paused frame; `error` is what it threw. */
  debugEvaluate(request: { callFrameId: string; expression: string }): Promise<{ value: DebugValue; error?: string }>
  /** An object's (or scope's) own properties. */
  debugGetProperties(objectId: string): Promise<DebugProperty[]>
  /** A raw CDP session on a plugin's isolate for an external DevTools (the first plugin when absent). */
  debugCdpOpen(request: { plugin?: string }): Promise<{ session: string; plugin: string }>
  debugCdpSend(request: { session: string; message: string }): Promise<void>
  debugCdpClose(session: string): Promise<void>
}

/** Pushed while work happens, so the studio can show it live. */
export type RuntimeEvents = {
  log: LogEntry
  stateOp: StateOp & { plugin: string }
  debugPaused: DebugPaused
  debugResumed: { plugin: string }
  /** A CDP message for an external DevTools session; `closed` when the session ended (the isolate went away). */
  debugCdp: { session: string; message?: string; closed?: boolean }
}
