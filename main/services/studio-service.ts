// The studio contract (common/protocol/studio.ts) implemented over the workspace, settings,
// config values, templates, event files and the runtime pipeline. Every front door (Electron IPC,
// the browser-mode WebSocket) serves this one object with `serveStudio`.
import path from 'node:path'
import { rm } from 'node:fs/promises'
import type { PluginEvent } from '../../common/plugin/event.ts'
import { serve } from '../../common/rpc/rpc.ts'
import type { Transport } from '../../common/rpc/transport.ts'
import type { LoadRequest, PluginSpec, TeardownResult } from '../../common/protocol/runtime.ts'
import type { BumpKind, PublishTarget } from '../../common/protocol/publish.ts'
import {
  STUDIO_METHODS,
  type ClockOutcome,
  type ConfigPatch,
  type CreatePluginRequest,
  type EventFile,
  type EventFileEdit,
  type EventPage,
  type ImportEventsRequest,
  type ImportEventsResult,
  type ResetOutcome,
  type EventFileInfo,
  type FileContent,
  type FileEntry,
  type LoadOutcome,
  type LoadPluginsRequest,
  type NetworkPolicy,
  type OpenExternalResult,
  type PipelineState,
  type PluginConfigState,
  type PluginSummary,
  type RunEventsRequest,
  type RunOutcome,
  type SettingsPatch,
  type StudioEvents,
  type StudioMethods,
  type StudioSettings,
  type TemplateInfo,
  type WorkspaceInfo,
  type WriteFileOptions,
} from '../../common/protocol/studio.ts'
import { EventLibrary } from './event-library.ts'
import { createPublishService, type PublishService, type ResolvedPlugin } from './publish/publish-service.ts'
import { PublishTargets } from './publish/publish-targets.ts'
import type { SecretsService } from './secrets/secrets-service.ts'
import { PipelineSession, type StartRunner } from './pipeline-session.ts'
import { StudioDebugger } from './debug/studio-debugger.ts'
import type { DebugCommand, DebugProperty, DebugValue, StudioBreakpoint, StudioBreakpointState } from '../../common/protocol/debug.ts'
import type { SaveTestRequest, SaveTestResult, StepState } from '../../common/protocol/run-history.ts'
import { saveRunAsTest } from './save-run-test.ts'
import { openExternalUrl, type OpenExternal } from './open-external.ts'
import { ConfigValues, MissingConfigError } from './settings/config-values.ts'
import { SETTINGS_FILE, STUDIO_FOLDER, SettingsStore } from './settings/settings-store.ts'
import { TEMPLATES, TEMPLATE_FILES_DIR, slugify, writeTemplate } from './templates/templates.ts'
import type { Workspace } from './workspace/workspace.ts'

/** PostHog's first project on a self-hosted instance; the runtime's cache keys include it. */
export const STUDIO_TEAM_ID = 1
/** meta.storage persists here, inside the workspace's studio folder. */
export const STORAGE_FOLDER = `${STUDIO_FOLDER}/storage`

export interface StudioServiceOptions {
  workspace: Workspace
  startRunner: StartRunner
  /** The sample-events folder shipped with the studio; null when there is none. */
  sampleEventsDir: string | null
  /** Where publishing tokens and secret config values live (the OS keychain in the app). */
  secrets: SecretsService
  templatesDir?: string
  /** The desktop shell's way to open a link in the system browser; absent in browser mode. */
  openExternal?: OpenExternal
}

type Listener = (name: keyof StudioEvents, payload: StudioEvents[keyof StudioEvents]) => void

export class StudioService implements StudioMethods {
  readonly workspace: Workspace
  private readonly settings: SettingsStore
  private readonly config: ConfigValues
  private readonly events: EventLibrary
  private readonly pipeline: PipelineSession
  private readonly templatesDir: string
  private readonly publish: PublishService
  private readonly opener: OpenExternal | undefined
  private readonly listeners = new Set<Listener>()
  private readonly debugger: StudioDebugger
  /** Whether the loaded pipeline was built in debug mode (breakpoints existed then). */
  private loadedDebug = false

  constructor(options: StudioServiceOptions) {
    this.workspace = options.workspace
    this.settings = new SettingsStore(this.workspace.dir)
    this.config = new ConfigValues({
      workspaceDir: this.workspace.dir,
      secrets: options.secrets,
      readWorkspaceFile: (file, maxBytes) => this.workspace.readBytes(file, maxBytes),
    })
    this.opener = options.openExternal
    this.events = new EventLibrary(this.workspace, options.sampleEventsDir)
    this.templatesDir = options.templatesDir ?? TEMPLATE_FILES_DIR
    this.publish = createPublishService({
      secrets: options.secrets,
      resolvePlugin: (plugin) => this.resolveForPublish(plugin),
      onProgress: (progress) => this.emit('publishProgress', progress),
      targets: new PublishTargets(this.workspace.dir),
    })
    this.debugger = new StudioDebugger({ workspaceDir: this.workspace.dir, emit: (name, payload) => this.emit(name, payload as StudioEvents[typeof name]), runner: () => this.pipeline.runtime })
    this.pipeline = new PipelineSession({
      startRunner: options.startRunner,
      buildLoad: (plugins) => this.buildLoad(plugins),
      emit: (name, payload) => this.emit(name, payload),
      afterLoad: (runner) => (this.loadedDebug ? this.debugger.afterLoad(runner) : Promise.resolve()),
    })
    this.workspace.watch((change) => {
      if (change.path === SETTINGS_FILE) return void this.reloadSettings()
      // The studio's own folder (config values, meta.storage written by plugins) is not the user's files.
      if (change.path === STUDIO_FOLDER || change.path.startsWith(`${STUDIO_FOLDER}/`)) return
      if (change.plugin) this.pipeline.markStale(change.plugin)
      this.emit('fileChanged', change)
    })
  }

  /** Subscribes to every studio event; returns an unsubscribe function. */
  subscribe(listener: Listener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  async dispose(): Promise<void> {
    this.workspace.close()
    this.listeners.clear()
    await this.debugger.close()
    await this.pipeline.close()
  }

  // ── Workspace ──

  async workspaceInfo(): Promise<WorkspaceInfo> {
    return this.workspace.info()
  }

  listPlugins(): Promise<PluginSummary[]> {
    return this.workspace.listPlugins()
  }

  listFiles(plugin: string): Promise<FileEntry[]> {
    return this.workspace.listFiles(plugin)
  }

  readFile(file: string): Promise<FileContent> {
    return this.workspace.readFile(file)
  }

  async writeFile(file: string, content: string, options?: WriteFileOptions): Promise<FileContent> {
    const written = await this.workspace.writeFile(file, content, options ?? {})
    await this.afterChange(written.path)
    return written
  }

  async createFile(file: string, content?: string): Promise<FileContent> {
    const created = await this.workspace.createFile(file, content ?? '')
    await this.afterChange(created.path)
    return created
  }

  async renameFile(from: string, to: string): Promise<void> {
    const before = await this.workspace.pluginOf(from).catch(() => null)
    await this.workspace.rename(from, to)
    this.pipeline.markStale(before)
    await this.afterChange(to)
  }

  async deleteFile(file: string): Promise<void> {
    const before = await this.workspace.pluginOf(file).catch(() => null)
    await this.workspace.delete(file)
    this.pipeline.markStale(before)
  }

  async listTemplates(): Promise<TemplateInfo[]> {
    return TEMPLATES.map((template) => ({ ...template, languages: [...template.languages] }))
  }

  async createPlugin(request: CreatePluginRequest): Promise<PluginSummary> {
    if (!request || typeof request !== 'object') throw new Error('A plugin request needs a name, a template and a language')
    const folder = request.folder ?? slugify(request.name ?? '')
    const target = await this.workspace.resolve(folder)
    const id = path.relative(this.workspace.dir, target).split(path.sep).join('/')
    this.workspace.markOwn(id)
    await writeTemplate(target, { template: request.template, language: request.language, name: request.name }, this.templatesDir)
    return this.workspace.summarisePlugin(id)
  }

  // ── Events ──

  listEventFiles(): Promise<EventFileInfo[]> {
    return this.events.list()
  }

  readEventFile(id: string, page?: EventPage): Promise<EventFile> {
    return this.events.read(id, page)
  }

  importEventFile(request: ImportEventsRequest): Promise<ImportEventsResult> {
    return this.events.import(request)
  }

  createEventFile(name: string, events: PluginEvent[]): Promise<EventFileInfo> {
    return this.events.create(name, events)
  }

  duplicateEventFile(id: string): Promise<EventFileInfo> {
    return this.events.duplicate(id)
  }

  editEventFile(id: string, edit: EventFileEdit): Promise<{ total: number }> {
    return this.events.edit(id, edit)
  }

  // ── Run ──

  loadPlugins(request: LoadPluginsRequest): Promise<LoadOutcome> {
    return this.pipeline.load(request?.plugins)
  }

  runEvents(request: RunEventsRequest): Promise<RunOutcome> {
    return this.pipeline.run(request?.plugins, request?.events)
  }

  /** Reset: a fresh runtime process (embedded cache, globals), meta.storage wiped, the plugins loaded again. */
  async resetPipeline(request: LoadPluginsRequest): Promise<ResetOutcome> {
    const settings = await this.settings.get()
    const storage = path.join(this.workspace.dir, ...STORAGE_FOLDER.split('/'))
    const outcome = await this.pipeline.reset(request?.plugins, () => rm(storage, { recursive: true, force: true }))
    const cleared = ['globals', 'storage', ...(settings.redisUrl ? [] : ['cache'])]
    const notCleared = settings.redisUrl ? ['cache: a real Redis (settings) is shared and not flushed by the studio'] : []
    return { ...outcome, cleared, notCleared }
  }

  unloadPlugins(): Promise<TeardownResult> {
    return this.pipeline.unload()
  }

  // ── Clock and state ──

  advanceClock(ms: number, plugins?: string[]): Promise<ClockOutcome> {
    return this.pipeline.advance(ms, plugins)
  }

  runUntilIdle(plugins?: string[]): Promise<ClockOutcome> {
    return this.pipeline.runUntilIdle(plugins)
  }

  fireScheduled(plugin: string, task: string, plugins?: string[]): Promise<ClockOutcome> {
    return this.pipeline.fireScheduled(plugin, task, plugins)
  }

  pipelineState(): Promise<PipelineState> {
    return this.pipeline.state()
  }

  // ── Time travel and recorded tests (common/protocol/run-history.ts) ──

  stepState(snapshot: number): Promise<StepState> {
    return this.pipeline.stepState(snapshot)
  }

  saveRunAsTest(request: SaveTestRequest): Promise<SaveTestResult> {
    return saveRunAsTest(
      {
        summarise: (plugin) => this.workspace.summarisePlugin(plugin),
        config: (summary) => this.config.get(summary.id, summary.config),
        resolve: (relative) => this.workspace.resolve(relative),
        markOwn: (relative) => this.workspace.markOwn(relative),
      },
      request,
    )
  }

  // ── Breakpoints (common/protocol/debug.ts, main/services/debug) ──

  debugGetBreakpoints(): Promise<StudioBreakpointState[]> {
    return this.debugger.getBreakpoints()
  }

  async debugSetBreakpoints(breakpoints: StudioBreakpoint[]): Promise<StudioBreakpointState[]> {
    const states = await this.debugger.setBreakpoints(breakpoints)
    // The first breakpoint: the next run loads the pipeline again, in debug mode. (Removing the last
    // one keeps debug mode until the next reload: no reload just for that.)
    if (states.length > 0 && !this.loadedDebug) this.pipeline.markStale(null)
    return states
  }

  async debugCommand(command: DebugCommand): Promise<void> {
    // Pause right after Step: the run may still be reloading the pipeline (debug mode), and the
    // runtime pauses only work it has, so the Pause follows the run's events there.
    if (command === 'pause') await this.pipeline.whenRunsSent()
    return this.debugger.command(command)
  }

  debugEvaluate(callFrameId: string, expression: string): Promise<{ value: DebugValue; error?: string }> {
    return this.debugger.evaluate(callFrameId, expression)
  }

  debugGetProperties(objectId: string): Promise<DebugProperty[]> {
    return this.debugger.getProperties(objectId)
  }

  debugDevtools(plugin?: string): Promise<{ url: string; ws: string; plugin: string }> {
    return this.debugger.devtoolsUrl(plugin)
  }

  // ── Settings and config ──

  getSettings(): Promise<StudioSettings> {
    return this.settings.get()
  }

  async updateSettings(patch: SettingsPatch): Promise<StudioSettings> {
    this.workspace.markOwn(SETTINGS_FILE)
    const next = await this.settings.update(patch)
    // Remember the version we wrote, so the watcher tells our write from a later hand edit.
    await this.workspace.readFile(SETTINGS_FILE).catch(() => null)
    this.pipeline.markStale(null)
    this.emit('settingsChanged', next)
    return next
  }

  async getConfig(plugin: string): Promise<PluginConfigState> {
    const summary = await this.workspace.summarisePlugin(plugin)
    return this.config.get(summary.id, summary.config)
  }

  async setConfig(plugin: string, patch: ConfigPatch): Promise<PluginConfigState> {
    const summary = await this.workspace.summarisePlugin(plugin)
    // Without its fields the studio cannot tell a secret from a plain value: refuse rather than risk
    // writing a secret to config.json.
    if (summary.config.length === 0 && summary.problems.some((p) => p.severity !== 'warning')) {
      throw new Error(`${summary.id}/plugin.json has problems (${summary.problems[0].message}); fix and save it before saving the configuration`)
    }
    try {
      return await this.config.set(summary.id, patch, summary.config)
    } finally {
      // Even a refused save may have changed part of the keychain; the next run reloads either way.
      this.pipeline.markStale(summary.id)
    }
  }

  openExternal(url: string): Promise<OpenExternalResult> {
    return openExternalUrl(url, this.opener)
  }

  // ── Publish (main/services/publish; tokens stay in the backend) ──

  secretsStatus() {
    return this.publish.secretsStatus()
  }

  acceptSessionOnlySecrets() {
    return this.publish.acceptSessionOnlySecrets()
  }

  publishAccount(target: PublishTarget, where: string) {
    return this.publish.publishAccount(target, where)
  }

  signIn(target: PublishTarget, where: string, token: string) {
    return this.publish.signIn(target, where, token)
  }

  signOut(target: PublishTarget, where: string) {
    return this.publish.signOut(target, where)
  }

  publishDefaults(plugin: string) {
    return this.publish.publishDefaults(plugin)
  }

  npmPrepare(plugin: string, options?: { registry?: string; bump?: BumpKind }) {
    return this.publish.npmPrepare(plugin, options)
  }

  npmPublish(plugin: string, options?: { registry?: string; bump?: BumpKind; dryRun?: boolean }) {
    return this.publish.npmPublish(plugin, options)
  }

  npmBump(plugin: string, kind: BumpKind) {
    return this.publish.npmBump(plugin, kind)
  }

  posthogConnect(host: string) {
    return this.publish.posthogConnect(host)
  }

  posthogPublish(plugin: string, options: { host: string; projectId?: number; enabled?: boolean }) {
    return this.publish.posthogPublish(plugin, options)
  }

  // ── Internals ──

  /** A plugin as publishing needs it: its folder, its config values (secrets too) and attachment files. */
  private async resolveForPublish(plugin: string): Promise<ResolvedPlugin> {
    const summary = await this.workspace.summarisePlugin(plugin)
    const { config, attachments } = await this.config.forPublish(summary.id, summary.config)
    return { dir: await this.workspace.resolve(summary.id), config, attachments }
  }

  private emit<K extends keyof StudioEvents>(name: K, payload: StudioEvents[K]): void {
    for (const listener of this.listeners) listener(name, payload)
  }

  private async afterChange(file: string): Promise<void> {
    this.pipeline.markStale(await this.workspace.pluginOf(file).catch(() => null))
  }

  private async reloadSettings(): Promise<void> {
    try {
      const settings = await this.settings.reload()
      this.pipeline.markStale(null)
      this.emit('settingsChanged', settings)
    } catch {
      // A half-edited settings file: the next getSettings/run reports the problem with its file name.
    }
  }

  /**
   * The runtime's load request for plugins in order, from the workspace's config and settings.
   * A plugin with a required value missing (defaults applied) is refused with MissingConfigError.
   */
  private async buildLoad(plugins: string[]): Promise<LoadRequest> {
    const settings = await this.settings.get()
    const specs: PluginSpec[] = []
    for (const plugin of plugins) {
      // A broken plugin.json is not refused here: the runtime reports it as that plugin's setup error.
      const summary = await this.workspace.summarisePlugin(plugin)
      const { config, attachments, missing } = await this.config.forRuntime(summary.id, summary.config)
      if (missing.length) throw new MissingConfigError(summary.id, summary.name, missing)
      specs.push({ id: summary.id, dir: await this.workspace.resolve(summary.id), config, attachments })
    }
    this.loadedDebug = await this.debugger.wanted()
    return {
      plugins: specs,
      options: {
        debug: this.loadedDebug,
        timeoutMs: settings.runtime.timeoutMs,
        memoryMb: settings.runtime.memoryMb,
        teamId: STUDIO_TEAM_ID,
        redisUrl: settings.redisUrl ?? undefined,
        storageDir: path.join(this.workspace.dir, ...STORAGE_FOLDER.split('/')),
        fetchPolicy: fetchPolicyOf(settings.network),
      },
    }
  }
}

/** The workspace's network setting as the runtime's fetch policy. */
export function fetchPolicyOf(network: NetworkPolicy): NonNullable<LoadRequest['options']['fetchPolicy']> {
  if (network.mode === 'deny-all') return { mode: 'deny', allowHosts: [] }
  if (network.mode === 'allow-list') return { mode: 'allow', allowHosts: [...network.hosts] }
  return { mode: 'allow', allowHosts: ['*'] }
}

/**
 * Serves the studio over one connection: methods from the allow-list, every service event pushed
 * to the other side. Returns a function that stops serving (call it when the connection closes).
 */
export function serveStudio(transport: Transport, studio: StudioService): { dispose(): void; emit: <K extends keyof StudioEvents>(name: K, payload: StudioEvents[K]) => void } {
  const server = serve<StudioMethods, StudioEvents>(transport, studio, STUDIO_METHODS)
  const unsubscribe = studio.subscribe((name, payload) => server.emit(name, payload as never))
  return {
    emit: (name, payload) => server.emit(name, payload),
    dispose() {
      unsubscribe()
      server.dispose()
    },
  }
}
