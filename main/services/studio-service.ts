// The studio contract (common/protocol/studio.ts) implemented over the workspace, settings,
// config values, templates, event files and the runtime pipeline. Every front door (Electron IPC,
// the browser-mode WebSocket) serves this one object with `serveStudio`.
import path from 'node:path'
import { serve } from '../../common/rpc/rpc.ts'
import type { Transport } from '../../common/rpc/transport.ts'
import type { ConfigField } from '../../common/plugin/plugin-json.ts'
import type { AttachmentSpec, LoadRequest, PluginSpec, TeardownResult } from '../../common/protocol/runtime.ts'
import type { BumpKind, PublishTarget } from '../../common/protocol/publish.ts'
import {
  STUDIO_METHODS,
  type ConfigPatch,
  type CreatePluginRequest,
  type EventFile,
  type EventFileInfo,
  type FileContent,
  type FileEntry,
  type LoadOutcome,
  type LoadPluginsRequest,
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
import type { SecretsService } from './secrets/secrets-service.ts'
import { PipelineSession, type StartRunner } from './pipeline-session.ts'
import { ConfigValues } from './settings/config-values.ts'
import { SETTINGS_FILE, STUDIO_FOLDER, SettingsStore } from './settings/settings-store.ts'
import { TEMPLATES, TEMPLATE_FILES_DIR, slugify, writeTemplate } from './templates/templates.ts'
import type { Workspace } from './workspace/workspace.ts'

/** PostHog's first project on a self-hosted instance; the runtime's cache keys include it. */
export const STUDIO_TEAM_ID = 1
/** meta.storage persists here, inside the workspace's studio folder. */
export const STORAGE_FOLDER = `${STUDIO_FOLDER}/storage`
const MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024

export interface StudioServiceOptions {
  workspace: Workspace
  startRunner: StartRunner
  /** The sample-events folder shipped with the studio; null when there is none. */
  sampleEventsDir: string | null
  /** Where publishing tokens live (the OS keychain in the app). */
  secrets: SecretsService
  templatesDir?: string
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
  private readonly listeners = new Set<Listener>()

  constructor(options: StudioServiceOptions) {
    this.workspace = options.workspace
    this.settings = new SettingsStore(this.workspace.dir)
    this.config = new ConfigValues(this.workspace.dir)
    this.events = new EventLibrary(this.workspace, options.sampleEventsDir)
    this.templatesDir = options.templatesDir ?? TEMPLATE_FILES_DIR
    this.publish = createPublishService({
      secrets: options.secrets,
      resolvePlugin: (plugin) => this.resolveForPublish(plugin),
      onProgress: (progress) => this.emit('publishProgress', progress),
    })
    this.pipeline = new PipelineSession({ startRunner: options.startRunner, buildLoad: (plugins) => this.buildLoad(plugins), emit: (name, payload) => this.emit(name, payload) })
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

  readEventFile(id: string): Promise<EventFile> {
    return this.events.read(id)
  }

  // ── Run ──

  loadPlugins(request: LoadPluginsRequest): Promise<LoadOutcome> {
    return this.pipeline.load(request?.plugins)
  }

  runEvents(request: RunEventsRequest): Promise<RunOutcome> {
    return this.pipeline.run(request?.plugins, request?.events)
  }

  unloadPlugins(): Promise<TeardownResult> {
    return this.pipeline.unload()
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
    const state = await this.config.set(summary.id, patch, summary.config)
    this.pipeline.markStale(summary.id)
    return state
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
    const values = await this.config.values(summary.id, summary.config)
    const attachmentKeys = new Set(summary.config.filter((f) => f.type === 'attachment' && f.key).map((f) => f.key as string))
    const config: Record<string, string> = {}
    const attachments: Record<string, string> = {}
    for (const [key, value] of Object.entries(values)) {
      if (!attachmentKeys.has(key)) config[key] = value
      else if (value) attachments[key] = await this.workspace.resolve(value)
    }
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

  /** The runtime's load request for plugins in order, from the workspace's config and settings. */
  private async buildLoad(plugins: string[]): Promise<LoadRequest> {
    const settings = await this.settings.get()
    const specs: PluginSpec[] = []
    for (const plugin of plugins) {
      // A broken plugin.json is not refused here: the runtime reports it as that plugin's setup error.
      const summary = await this.workspace.summarisePlugin(plugin)
      const values = await this.config.values(summary.id, summary.config)
      const { config, attachments } = await this.splitAttachments(summary.id, summary.config, values)
      specs.push({ id: summary.id, dir: await this.workspace.resolve(summary.id), config, attachments })
    }
    return {
      plugins: specs,
      options: {
        timeoutMs: settings.runtime.timeoutMs,
        memoryMb: settings.runtime.memoryMb,
        teamId: STUDIO_TEAM_ID,
        redisUrl: settings.redisUrl ?? undefined,
        storageDir: path.join(this.workspace.dir, ...STORAGE_FOLDER.split('/')),
      },
    }
  }

  /** Attachment fields hold a workspace path; the runtime gets the file's contents. */
  private async splitAttachments(plugin: string, fields: ConfigField[], values: Record<string, string>) {
    const attachmentKeys = new Set(fields.filter((f) => f.type === 'attachment' && f.key).map((f) => f.key as string))
    const config: Record<string, string> = {}
    const attachments: Record<string, AttachmentSpec> = {}
    for (const [key, value] of Object.entries(values)) {
      if (!attachmentKeys.has(key)) {
        config[key] = value
        continue
      }
      if (!value) continue
      let bytes: Buffer
      try {
        bytes = await this.workspace.readBytes(value, MAX_ATTACHMENT_BYTES)
      } catch (error) {
        throw new Error(`${plugin}: attachment "${key}": ${(error as Error).message}`, { cause: error })
      }
      attachments[key] = { content_type: contentTypeOf(value), file_name: path.posix.basename(value), contentsBase64: bytes.toString('base64') }
    }
    return { config, attachments }
  }
}

const CONTENT_TYPES: Record<string, string> = {
  '.json': 'application/json',
  '.csv': 'text/csv',
  '.txt': 'text/plain',
  '.mmdb': 'application/octet-stream',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
}

function contentTypeOf(file: string): string {
  return CONTENT_TYPES[path.posix.extname(file).toLowerCase()] ?? 'application/octet-stream'
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
