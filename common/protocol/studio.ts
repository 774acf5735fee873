// The contract between the studio UI (renderer/) and the studio backend (main/). The backend serves
// it with `serve(transport, studio, STUDIO_METHODS)` (common/rpc/rpc.ts) and the renderer calls it with
// `connect<StudioMethods, StudioEvents>(transport)`. Everything that crosses is plain JSON.
//
// Transports:
// - Browser mode (main/server): a WebSocket at `ws://<host>${STUDIO_SOCKET_PATH}?token=<token>`; each
//   text frame is one RpcMessage (common/rpc/messages.ts) as JSON. The page itself is opened as
//   `http://<host>/?token=<token>`; the server also sets a same-site cookie so assets and workers load.
// - Electron (main/electron): the preload exposes `window.studio` (a `StudioBridge`, below); the
//   renderer turns it into a Transport with `bridgeTransport` (common/rpc/bridge-transport.ts).
//
// Paths: every `path` is relative to the workspace folder, with `/` separators, never absolute and
// never containing `..`. A plugin's id is the path of its folder (the folder holding plugin.json).
import type { SerializedError } from '../rpc/messages.ts'
import type { LogEntry, PluginEvent } from '../plugin/event.ts'
import type { ConfigField, PluginJsonProblem } from '../plugin/plugin-json.ts'
import type { AttachmentInfo, MissingField } from '../plugin/rules.ts'
import type { AttachmentSpec, Capabilities, ClockReport, EventResult, PluginLoadResult, PluginStoresOut, RuntimeTimeState, StateOp, TeardownResult } from './runtime.ts'
import { PUBLISH_METHODS, type PublishEvents, type PublishMethods, type SecretsStatus } from './publish.ts'
import { HISTORY_METHODS, type HistoryMethods } from './run-history.ts'
import { DEBUG_METHODS, type DebugEvents, type DebugMethods } from './debug.ts'

/** Every method the backend serves: the studio's own, then publishing's (common/protocol/publish.ts). */
export const STUDIO_METHODS = [
  'workspaceInfo',
  'listPlugins',
  'listFiles',
  'readFile',
  'writeFile',
  'createFile',
  'renameFile',
  'deleteFile',
  'listTemplates',
  'createPlugin',
  'listEventFiles',
  'readEventFile',
  'importEventFile',
  'createEventFile',
  'duplicateEventFile',
  'editEventFile',
  'resetPipeline',
  'loadPlugins',
  'runEvents',
  'unloadPlugins',
  'advanceClock',
  'runUntilIdle',
  'fireScheduled',
  'pipelineState',
  'getSettings',
  'updateSettings',
  'getConfig',
  'setConfig',
  'openExternal',
  ...PUBLISH_METHODS,
  ...HISTORY_METHODS,
  ...DEBUG_METHODS,
] as const

export const STUDIO_EVENTS = [
  'fileChanged',
  'workspaceChanged',
  'settingsChanged',
  'runtimeLog',
  'runtimeStateOp',
  'runtimeCrashed',
  'runtimeRestarted',
  'command',
  'publishProgress',
] as const

/** Browser mode: the WebSocket path and the query parameter / cookie carrying the per-launch token. */
export const STUDIO_SOCKET_PATH = '/studio'
export const STUDIO_TOKEN_PARAM = 'token'

// ── Workspace ────────────────────────────────────────────────────────────────────────────────────

export interface WorkspaceInfo {
  /** Absolute folder path on the backend's machine (for display only; requests use relative paths). */
  dir: string
  /** The folder's base name. */
  name: string
  /** True for the studio's own default workspace in the user's data folder. */
  isDefault: boolean
}

export interface PluginSummary {
  /** Workspace-relative path of the plugin folder; also its id in runs and config. */
  id: string
  /** `name` from plugin.json, or the folder name when plugin.json has none or does not parse. */
  name: string
  description: string | null
  /** Workspace-relative path of the entry file (`main`, else index.js, else index.ts); null if none exists. */
  entry: string | null
  /** The config fields in PostHog's order (both plugin.json forms normalised); empty when it does not parse. */
  config: ConfigField[]
  /** plugin.json problems (syntax, structure); empty when it parses. */
  problems: PluginJsonProblem[]
}

export interface FileEntry {
  path: string
  kind: 'file' | 'directory'
  /** Bytes, for files. */
  size: number
}

/** A content hash of a file as stored; lets the UI detect changes made outside the studio. */
export type FileVersion = string

export interface FileContent {
  path: string
  /** UTF-8 text. */
  content: string
  version: FileVersion
}

export interface WriteFileOptions {
  /**
   * The version the editor started from. When the file on disk has changed since (someone edited it
   * outside the studio), the write is refused with an error named `FileConflictError` and nothing is
   * written — the UI asks before overwriting. Omit it to overwrite unconditionally.
   */
  expectedVersion?: FileVersion | null
}

// ── Templates ────────────────────────────────────────────────────────────────────────────────────

export type TemplateId = 'enrichment' | 'filter' | 'exporter' | 'scheduled'
export type PluginLanguage = 'ts' | 'js'

export interface TemplateInfo {
  id: TemplateId
  title: string
  description: string
  languages: PluginLanguage[]
}

export interface CreatePluginRequest {
  /** The plugin's display name, written to plugin.json. */
  name: string
  template: TemplateId
  language: PluginLanguage
  /** Workspace-relative folder to create; defaults to a slug of `name`. Must not exist yet. */
  folder?: string
}

// ── Events ───────────────────────────────────────────────────────────────────────────────────────

export interface EventFileInfo {
  /** Opaque id to pass to readEventFile, e.g. `sample:pageview.json` or `workspace:events/mine.json`. */
  id: string
  /** `sample`: shipped with the studio (read-only); `workspace`: files in the workspace's `events/` folder. */
  source: 'sample' | 'workspace'
  /** File name without folder, for display. */
  name: string
  /** Workspace-relative path for `workspace` files (editable with writeFile); null for samples. */
  path: string | null
}

export interface EventFile {
  info: EventFileInfo
  /** A JSON array, one JSON event or JSON Lines, parsed: every event, or the page asked for. */
  events: PluginEvent[]
  /** How many events the whole file holds (bad lines not counted). */
  total: number
  /** Index of `events[0]` in the file. */
  offset: number
  /** Lines that are not events (named, left out of `total`); empty for a clean file. */
  problems: EventLineProblem[]
}

/** One line (or CSV row) of an event file that is not an event; `line` is 1-based. */
export interface EventLineProblem {
  line: number
  message: string
}

/** A page of an event file: `limit` events from `offset` (100,000-event files are read page by page). */
export interface EventPage {
  offset?: number
  limit?: number
}

export interface ImportEventsRequest {
  /** The picked file's name; the imported file is `events/<name without extension>.jsonl` (made unique). */
  fileName: string
  /** Its text: a JSON array, one JSON event, JSON Lines, or PostHog's CSV export of events. */
  text: string
}

export interface ImportEventsResult {
  file: EventFileInfo
  /** Events written to the new file. */
  imported: number
  /** Lines or rows that were not events, by line in the imported text; they were left out. */
  problems: EventLineProblem[]
  format: 'json-array' | 'json-object' | 'json-lines' | 'csv'
  /** CSV columns that map to nothing in an event. */
  ignoredColumns: string[]
}

/** One change to a workspace event file, by the event's index (bad lines keep their place). */
export type EventFileEdit =
  | { kind: 'replace'; index: number; event: PluginEvent }
  | { kind: 'insert'; index: number; event: PluginEvent }
  | { kind: 'delete'; index: number }

/** What Reset did besides reloading the plugins. */
export interface ResetOutcome extends LoadOutcome {
  /** What was cleared: e.g. `storage`, `cache`, `globals`. */
  cleared: string[]
  /** What could not be cleared, and why (e.g. a real Redis the studio does not own). */
  notCleared: string[]
}

// ── Run ──────────────────────────────────────────────────────────────────────────────────────────

export interface LoadPluginsRequest {
  /** Plugin ids in pipeline order. Config values and settings come from the workspace. */
  plugins: string[]
}

export interface LoadOutcome {
  /** The plugins loaded, in order. */
  plugins: string[]
  /** One entry per plugin: load/compile/setupPlugin errors and the logs written meanwhile. */
  setup: PluginLoadResult[]
}

export interface RunEventsRequest {
  /** Plugin ids in pipeline order. */
  plugins: string[]
  /** Events to run, in order (one event for "Step", a whole file for "Run all"). */
  events: PluginEvent[]
}

export interface RunOutcome {
  /**
   * True when the pipeline was (re)loaded for this run: the first run, a different plugin list, or a
   * change since the last load (a saved or outside-edited file in a loaded plugin, config, settings).
   */
  reloaded: boolean
  /** The setup results of the pipeline that ran (from this run's load, or the last one). */
  setup: PluginLoadResult[]
  /** One result per input event, in order. */
  results: EventResult[]
  /** The state after this run, kept for time travel (stepState); null when not kept. */
  snapshot?: number | null
}

// ── Clock and state ──────────────────────────────────────────────────────────────────────────────

/** The loaded pipeline's time state and stores, for the Debugger's clock bar and state inspector. */
export interface PipelineState {
  /** The loaded plugins in order with what they export; empty when nothing is loaded. */
  plugins: { plugin: string; name: string; capabilities: Capabilities; error: string | null }[]
  /** The files, config or settings changed since the load: the next run or clock step reloads (state starts over). */
  stale: boolean
  /** The runtime's state(): virtual time, timers, per plugin setup, next scheduled runs, running tasks, queued jobs, export buffer and metrics. Null when nothing is loaded. */
  time: RuntimeTimeState | null
  /** Per plugin: meta.cache keys with values and TTLs, meta.storage contents. */
  stores: PluginStoresOut[]
}

/** What advanceClock / runUntilIdle / fireScheduled did, and the state after. */
export interface ClockOutcome {
  /** What fired and everything logged meanwhile. */
  report: ClockReport
  state: PipelineState
  /** True when the pipeline was (re)loaded first (as runEvents does): the clock started over. */
  reloaded: boolean
  /** The setup results of the pipeline that ran. */
  setup: PluginLoadResult[]
  /** `state` kept for time travel (stepState). */
  snapshot?: number | null
}

/** The longest single advance the studio asks for (a year); longer spans are refused. */
export const MAX_CLOCK_ADVANCE_MS = 366 * 24 * 60 * 60 * 1000

// ── Settings and config ──────────────────────────────────────────────────────────────────────────

export type NetworkPolicy =
  | { mode: 'allow-all' }
  | { mode: 'deny-all' }
  /** Hostnames (exact, or `*.example.com` for subdomains) that plugins may fetch. */
  | { mode: 'allow-list'; hosts: string[] }

/** Per workspace, stored in `<workspace>/.plugin-studio/settings.json`. */
export interface StudioSettings {
  runtime: {
    /** Per plugin call; PostHog's task timeout is 30000. 100..600000. */
    timeoutMs: number
    /** Per isolate. 8..4096. */
    memoryMb: number
  }
  /** A real Redis for meta.cache (`redis://` or `rediss://`); null = the embedded in-memory cache. */
  redisUrl: string | null
  /**
   * What plugins' fetch may reach, passed to the runtime as its fetch policy:
   * allow-all → {mode: 'allow', allowHosts: ['*']} (public hosts; loopback and metadata addresses stay
   * refused unless listed), allow-list → {mode: 'allow', allowHosts: hosts}, deny-all → {mode: 'deny'}.
   */
  network: NetworkPolicy
}

/** A partial update: only the given top-level sections change; `runtime` may be partial too. */
export interface SettingsPatch {
  runtime?: Partial<StudioSettings['runtime']>
  redisUrl?: string | null
  network?: NetworkPolicy
}

export interface PluginConfigState {
  plugin: string
  /**
   * Values of the non-secret, non-attachment fields as stored, as strings (PostHog passes strings).
   * Unset keys are absent (the form shows their plugin.json default).
   */
  values: Record<string, string>
  /**
   * Keys of secret fields (plugin.json `secret: true`, attachments included) whose value is stored.
   * Secret values never travel back to the UI and are never written to workspace files: they live in
   * the OS keychain (or, when there is none and the user accepted it, in memory for this session).
   */
  savedSecrets: string[]
  /** The same keys as `savedSecrets` (the earlier name, kept for existing callers). */
  secretsSet: string[]
  /** Stored non-secret attachments, described (contents stay in the backend). */
  attachments: Record<string, AttachmentInfo>
  /**
   * Required fields (required, or required_if matching) without a value in the stored config, with
   * defaults applied and stored secrets/attachments counted as filled: a run is refused while any is
   * missing (see `MISSING_CONFIG_ERROR`).
   */
  missing: MissingField[]
  /**
   * Where secret values go. `store: 'none'`: there is no OS keychain and the user has not accepted a
   * session-only store — saving a secret is refused (`NO_SECRET_STORE_ERROR`) until they call
   * `acceptSessionOnlySecrets()`; show `message` and offer it.
   */
  secretStore: SecretsStatus
}

/**
 * A file picked in an attachment field: its name, its content type (the browser's `File.type`, or
 * `application/octet-stream`) and its bytes as base64. The same shape the runtime receives.
 */
export type ConfigAttachmentUpload = AttachmentSpec

/**
 * Values to store for one plugin: a string sets a key, null clears it. Keys not mentioned keep their
 * value. A secret field given PostHog's mask (`SECRET_FIELD_VALUE`) keeps its stored value; given ''
 * it is cleared. Attachment fields take a `ConfigAttachmentUpload` (stored under
 * `.plugin-studio/attachments/<plugin>/<key>/<file_name>`, or in the keychain for secret attachments),
 * or — the earlier form, still accepted — the workspace-relative path of a file to copy from.
 */
export type ConfigPatch = Record<string, string | null | ConfigAttachmentUpload>

/** `error.name` of a run/load refused because a required config value is missing; the message names the fields. */
export const MISSING_CONFIG_ERROR = 'MissingConfigError'
/** `error.name` of a setConfig refused because a secret has nowhere to go (no keychain, session-only not accepted). */
export const NO_SECRET_STORE_ERROR = 'NoSecretStoreError'
/**
 * `error.name` of a runEvents the runtime process died in. The studio sends a run to the runtime in
 * batches of EVENTS_PER_CHUNK; the message names the events without a result (the batch in flight and
 * the ones after it). A request of at most EVENTS_PER_CHUNK events is one batch, so it loses no result.
 */
export const RUN_INTERRUPTED_ERROR = 'RunInterruptedError'

/** How openExternal opened the link: the desktop shell opened the system browser, or the renderer must (`browser`). */
export interface OpenExternalResult {
  /**
   * `shell`: the desktop app handed the URL to the system browser; nothing more to do.
   * `browser`: browser mode; the renderer opens it with `window.open(url, '_blank', 'noopener')`.
   */
  openedBy: 'shell' | 'browser'
  /** The validated URL (normalised by the URL parser). */
  url: string
}

// ── The methods ──────────────────────────────────────────────────────────────────────────────────

export type StudioMethods = StudioCoreMethods & PublishMethods & HistoryMethods & DebugMethods

export type StudioCoreMethods = {
  /** The open workspace. */
  workspaceInfo(): Promise<WorkspaceInfo>
  /** Folders holding a plugin.json (not inside node_modules or dot-folders), sorted by id. */
  listPlugins(): Promise<PluginSummary[]>
  /** Every file and folder of one plugin (node_modules, dot-files and links left out), sorted by path. */
  listFiles(plugin: string): Promise<FileEntry[]>
  readFile(path: string): Promise<FileContent>
  /** Atomic: a temp file in the same folder, then a rename; the old content stays if anything fails. */
  writeFile(path: string, content: string, options?: WriteFileOptions): Promise<FileContent>
  /** Creates a file (and missing parent folders); fails when it exists. */
  createFile(path: string, content?: string): Promise<FileContent>
  /** Renames or moves a file or folder within the workspace; fails when the target exists. */
  renameFile(from: string, to: string): Promise<void>
  /** Deletes a file, or a folder with everything in it. */
  deleteFile(path: string): Promise<void>
  listTemplates(): Promise<TemplateInfo[]>
  /** Writes a new plugin folder from a template (plugin.json, entry, README.md, test, package.json). */
  createPlugin(request: CreatePluginRequest): Promise<PluginSummary>
  /** Sample event files shipped with the studio, then the workspace's `events/*.json|*.jsonl`. */
  listEventFiles(): Promise<EventFileInfo[]>
  /** Without a page, every event; with one, that page (and the whole file's `total`). */
  readEventFile(id: string, page?: EventPage): Promise<EventFile>
  /** Writes an imported file into the workspace's `events/` as JSON Lines; bad lines/rows are named and left out. */
  importEventFile(request: ImportEventsRequest): Promise<ImportEventsResult>
  /** A new workspace event file `events/<name>` (`.jsonl` added when it has no extension) holding `events`. */
  createEventFile(name: string, events: PluginEvent[]): Promise<EventFileInfo>
  /** Copies an event file (a read-only sample, typically) into the workspace's `events/` under a free name. */
  duplicateEventFile(id: string): Promise<EventFileInfo>
  /** Changes one event of a workspace event file (samples are read-only); returns the file's new total. */
  editEventFile(id: string, edit: EventFileEdit): Promise<{ total: number }>
  /**
   * Reset for the Debugger: tears the pipeline down, clears what plugins kept (meta.storage, the
   * embedded cache — by starting a fresh runtime process — and their globals) and loads it again
   * (setupPlugin runs again).
   */
  resetPipeline(request: LoadPluginsRequest): Promise<ResetOutcome>
  /** Loads (replacing whatever was loaded) and sets up the pipeline; returns the setup results. */
  loadPlugins(request: LoadPluginsRequest): Promise<LoadOutcome>
  /**
   * Runs events through the pipeline, (re)loading it first when needed (see RunOutcome.reloaded).
   * Refused before anything loads, with an error named `MISSING_CONFIG_ERROR` whose message names
   * the plugin and fields (`Missing required config field of <plugin>: "API key" (apiKey). …`), when a
   * plugin lacks a required config value (loadPlugins likewise). setupPlugin errors are results, not
   * refusals: `setup[i].error` for plugin `setup[i].plugin` — the Configuration pane shows its own.
   * If the runtime process dies meanwhile: an error named `RUN_INTERRUPTED_ERROR`.
   */
  runEvents(request: RunEventsRequest): Promise<RunOutcome>
  /** Runs teardownPlugin and disposes the pipeline. */
  unloadPlugins(): Promise<TeardownResult>
  /**
   * Moves the runtime's virtual clock forward by `ms`; scheduled tasks, jobs, export flushes and
   * retries that fall due run. With `plugins`, that pipeline is (re)loaded first when needed, as
   * runEvents does; without, the loaded pipeline is used (an error when none is).
   */
  advanceClock(ms: number, plugins?: string[]): Promise<ClockOutcome>
  /** Runs jobs, retries and flushes until only the recurring schedule is left (bounded); `plugins` as for advanceClock. */
  runUntilIdle(plugins?: string[]): Promise<ClockOutcome>
  /** Runs a plugin's scheduled task (runEveryMinute/Hour/Day) now; `plugins` as for advanceClock. */
  fireScheduled(plugin: string, task: string, plugins?: string[]): Promise<ClockOutcome>
  /** The loaded pipeline's state (never loads anything). */
  pipelineState(): Promise<PipelineState>
  getSettings(): Promise<StudioSettings>
  /** Validates and stores; errors name the field and the problem. Returns the stored settings. */
  updateSettings(patch: SettingsPatch): Promise<StudioSettings>
  /** The stored config of one plugin, as the form may see it (no secret values). */
  getConfig(plugin: string): Promise<PluginConfigState>
  /**
   * Stores the changes and marks the plugin's loaded pipeline stale, so the next runEvents reloads it
   * (setupPlugin runs again with the new values). The whole patch is checked first: a refused value,
   * or no place for a secret (`NO_SECRET_STORE_ERROR`), stores nothing. Returns quickly (file and
   * keychain writes only); the pane reruns its event after it resolves.
   * setupPlugin's errors are not part of the config state: they come back in runEvents' (and
   * loadPlugins') `setup` results, one entry per plugin — the pane shows the entry of its plugin.
   */
  setConfig(plugin: string, patch: ConfigPatch): Promise<PluginConfigState>
  /**
   * A link from a plugin's markdown: only absolute http(s) URLs (anything else is refused with an
   * error). The desktop app opens it in the system browser; browser mode leaves it to the renderer.
   */
  openExternal(url: string): Promise<OpenExternalResult>
}

// ── The events ───────────────────────────────────────────────────────────────────────────────────

export interface FileChange {
  path: string
  kind: 'created' | 'changed' | 'deleted'
  /** The new version; null when deleted or when it is a folder. */
  version: FileVersion | null
  /** The plugin the path belongs to, if any. */
  plugin: string | null
}

/** Commands the desktop menu (and its shortcuts) sends to the UI; browser mode binds the keys itself. */
export type StudioCommand = 'save' | 'run' | 'step' | 'runAll' | 'reset' | 'newPlugin' | 'publish' | 'openSettings'

export type StudioEvents = PublishEvents & DebugEvents & {
  /** Files changed on disk by something other than this studio (debounced, one event per path; the studio's own `.plugin-studio/` folder is not reported). */
  fileChanged: FileChange
  /** A different workspace was opened (desktop: File ▸ Open Folder); reload everything. */
  workspaceChanged: WorkspaceInfo
  /** Settings changed (through updateSettings or by editing settings.json). */
  settingsChanged: StudioSettings
  /** A log line from the runtime while work happens (the same lines also come back in results). */
  runtimeLog: LogEntry
  /** A cache/storage change a plugin made. */
  runtimeStateOp: StateOp & { plugin: string }
  /** The runtime process died; `lost` names the work that was in flight. The next run restarts it. */
  runtimeCrashed: { message: string; lost: string[] }
  /** A fresh runtime process is up (after a crash); the pipeline is reloaded on the next run. */
  runtimeRestarted: { at: number }
  /** A menu command or shortcut from the desktop shell. */
  command: { command: StudioCommand }
}

// ── The Electron bridge ──────────────────────────────────────────────────────────────────────────

/** What one invoke returns across the preload: a result or a serialized error, never a thrown Error. */
export type StudioInvokeResult = { result: unknown } | { error: SerializedError }

/** `window.studio` in the desktop app: the whole surface the preload exposes, and nothing more. */
export interface StudioBridge {
  /** Calls one studio method (only STUDIO_METHODS are served). */
  invoke(method: string, params: unknown[]): Promise<StudioInvokeResult>
  /** Receives every studio event; returns an unsubscribe function. */
  on(listener: (name: string, payload: unknown) => void): () => void
}
