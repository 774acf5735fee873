// One plugin config in the runtime: its folder, compiled code, isolate, meta host and its engines on
// the clock (setup retrier, jobs, export buffer, scheduler: plugin-engines.ts), plus how its errors
// become PostHog's log entries.
import { randomUUID } from 'node:crypto'
import type { LogEntry, LogLevel } from '../common/plugin/event.ts'
import type { SerializedError } from '../common/rpc/messages.ts'
import type { Capabilities as ProtocolCapabilities, PluginSpec, RuntimeOptions, StateOp } from '../common/protocol/runtime.ts'
import { compilePlugin } from './compile.ts'
import type { CompiledPlugin } from './compile.ts'
import { createMetaHost } from './meta/index.ts'
import type { MetaHost, MetaHostOptions } from './meta/index.ts'
import { attachmentsFromSpecs } from './meta/attachments.ts'
import { effectiveConfig, readPluginFolder } from './plugin-folder.ts'
import type { PluginFolder } from './plugin-folder.ts'
import { PluginIsolate, writeCache } from './sandbox/plugin-isolate.ts'
import { watchdogOwner } from './sandbox/watchdog.ts'
import type { Capabilities, ItemResult, JsonItems, SandboxError } from './sandbox/plugin-isolate.ts'
import { CacheWriteBehind } from './cache-write-behind.ts'
import { StackMapper } from './stack-map.ts'
import { debugHub } from './debug/debug-hub.ts'
import type { PluginEngines } from './plugin-engines.ts'

/** One id per runtime process, as PostHog's hub.instanceId in its system log lines. */
export const INSTANCE_ID = randomUUID()

/**
 * 'failed': load/compile failed (no isolate); otherwise PH-2022's setup state: 'deferred' (not tried),
 * 'retrying' (a RetryError; PostHog uses the methods meanwhile), 'ready', 'errored' (disabled).
 */
export type SetupState = 'deferred' | 'retrying' | 'ready' | 'errored' | 'failed'

export interface DescribedError {
  /** One line, as `String(error)` would print it (a thrown string as it is). */
  text: string
  /** What PostHog's processError logs: the stack (mapped to the user's lines), else the message. */
  logMessage: string
  detail: SerializedError
  isRetry: boolean
}

export class PluginInstance {
  readonly id: string
  readonly configId: number
  name: string
  loaded = false
  engines: PluginEngines | null = null
  /** The runtime clock (set by the pipeline); log times read it. */
  now: () => number = () => Date.now()
  /** Runs before each task (set by the pipeline): other configs' waiting cache writes to this plugin's namespace go first. */
  beforeTask: () => Promise<void> = async () => undefined
  /** Where lines about work done after a call answered go (set by the pipeline). */
  lateLog: (entry: LogEntry) => void = () => undefined
  /** The embedded cache's writes, applied when the runtime is idle or someone reads the store. */
  private readonly writeBehind = new CacheWriteBehind(async (writes) => {
    if (!this.meta) return
    const meta = this.meta
    for (const message of await writeCache(writes, (kind, args) => meta.handle(kind, args))) this.lateLog(this.log('error', 'PLUGIN', message))
  })
  /** For each fetch record of the current run, the index of the item that made it. */
  readonly fetchItems: number[] = []
  loadError: DescribedError | null = null
  caps: Capabilities = { methods: [], jobs: [], scheduledTasks: [], hasProcessEventBatch: false, ownOnEvent: false }
  sandbox: PluginIsolate | null = null
  meta: MetaHost | null = null
  private folder: PluginFolder | null = null
  private compiled: CompiledPlugin | null = null
  private mapper: StackMapper | null = null
  private scriptName: string
  private config: Record<string, string> = {}

  readonly spec: PluginSpec
  readonly position: number
  readonly options: RuntimeOptions

  constructor(spec: PluginSpec, position: number, options: RuntimeOptions) {
    this.spec = spec
    this.position = position
    this.options = options
    this.id = spec.id
    this.name = spec.id
    this.configId = spec.configId ?? position + 1
    this.scriptName = `plugin-${position + 1}.js`
  }

  get state(): SetupState {
    if (!this.loaded) return 'failed'
    const s = this.engines?.retrier.state() ?? 'not-started'
    return s === 'not-started' ? 'deferred' : s
  }

  /** PostHog's getVmMethod: methods are used once setup is ready, and while a RetryError retry is pending. */
  get usable(): boolean {
    return this.state === 'ready' || this.state === 'retrying'
  }

  /** The config with plugin.json defaults applied (strings). */
  get effectiveConfig(): Record<string, string> {
    return this.config
  }

  /** PostHog's `${plugin.name} (${pluginConfig.id})`, as in $plugins_succeeded. */
  get identifier(): string {
    return `${this.name} (${this.configId})`
  }

  log(level: LogLevel, source: LogEntry['source'], message: string): LogEntry {
    return { level, source, message, plugin: this.id, time: this.now() }
  }

  /** Reads, compiles and instantiates; throws nothing: a failure leaves state 'failed' and loadError. */
  async load(logs: LogEntry[], hooks: Pick<MetaHostOptions, 'now' | 'handlers'>): Promise<void> {
    if (typeof this.spec.disabled === 'string') return this.loadDisabled(logs, this.spec.disabled)
    try {
      this.folder = await readPluginFolder(this.spec.dir)
      this.name = this.folder.json.name || this.spec.id
      this.config = effectiveConfig(this.folder.json, this.spec.config ?? {})
      attachmentsFromSpecs(this.spec.attachments ?? {}) // validates, with a clear error per attachment
      this.compiled = await compilePlugin(this.folder.entry, this.folder.dir)
      this.mapper = new StackMapper(this.compiled.map, this.scriptName, this.folder.entryName)
      this.meta = createMetaHost({
        pluginId: this.spec.pluginId ?? this.spec.id,
        pluginConfigId: String(this.configId),
        teamId: this.options.teamId,
        redisUrl: this.options.redisUrl,
        storageDir: this.options.storageDir,
        cacheGetMissing: this.options.cacheGetMissing,
        fetchPolicy: this.options.fetchPolicy,
        fetchFixtures: this.options.fetchFixtures,
        ...hooks,
      })
      try {
        this.instantiate()
      } finally {
        this.takeTopLevelLogs(logs)
      }
      this.loaded = true
      logs.push(this.log('info', 'SYSTEM', `Plugin loaded (instance ID ${INSTANCE_ID}).`))
    } catch (error) {
      this.loaded = false
      this.loadError = this.describeHostError(error)
      logs.push(this.log('error', 'PLUGIN', this.loadError.logMessage))
      this.sandbox?.dispose()
      this.sandbox = null
    }
  }

  /** What the plugin's top level logged (PostHog shows it in the plugin's logs). */
  private takeTopLevelLogs(logs: LogEntry[]): void {
    try {
      for (const line of this.sandbox?.takeStrayLogs() ?? []) logs.push(this.log(line.level as LogLevel, 'CONSOLE', line.message))
    } catch {
      // The isolate died with the top level (memory limit): the load error says so.
    }
  }

  /**
   * The runner's reload after the watchdog ended the runtime process for this plugin: not loaded, so
   * the rest of the pipeline works; the setup result says why. An explicit load enables it again.
   */
  private async loadDisabled(logs: LogEntry[], reason: string): Promise<void> {
    try {
      this.name = (await readPluginFolder(this.spec.dir)).json.name || this.spec.id
    } catch {}
    this.loaded = false
    const text = `Plugin Studio's watchdog ended the runtime process: ${reason} (instance ID ${INSTANCE_ID}). Disabled the app! Load it again to enable it.`
    this.loadError = { text, logMessage: text, detail: { name: 'PluginDisabledError', message: text }, isRetry: false }
    logs.push(this.log('error', 'SYSTEM', text))
  }

  /** PH-2022: plugins with scheduled tasks or jobs (exportEvents' retry job included) set up at load. */
  get eagerSetup(): boolean {
    return this.caps.scheduledTasks.length > 0 || this.caps.jobs.length > 0
  }

  /** A new isolate with the compiled plugin run and discovered (also after a memory-limit kill). */
  instantiate(): void {
    const compiled = this.compiled!
    this.sandbox?.dispose()
    const sandbox = PluginIsolate.take(this.options.memoryMb, this.options.debug === true)
    this.sandbox = sandbox
    sandbox.owner = watchdogOwner(this.id, this.name)
    sandbox.runPluginScript(compiled.code, this.scriptName, compiled.lineOffset, this.options.timeoutMs)
    this.caps = sandbox.init({
      config: this.config,
      attachments: this.spec.attachments ?? {},
      configId: this.configId,
      cacheGetMissing: this.options.cacheGetMissing ?? 'default',
    }, this.options.timeoutMs)
    // Debug mode: the inspector session starts after the top level and export discovery ran
    // synchronously (a breakpoint there would pause the thread that relays the debugger).
    if (this.options.debug === true) sandbox.debug = debugHub.attach(this.id, sandbox.isolate, this.scriptName, compiled)
  }

  has(method: string): boolean {
    return this.caps.methods.includes(method)
  }

  capabilities(): ProtocolCapabilities {
    return { methods: this.caps.methods, jobs: this.caps.jobs, scheduled_tasks: this.caps.scheduledTasks }
  }

  /** Runs a sandbox task; a dead isolate (memory limit) fails the items and is replaced next time. */
  async run(method: string, items: unknown[] | JsonItems, valuesAsJson = false): Promise<ItemResult[]> {
    if (!this.sandbox || this.sandbox.dead) throw new Error(`${this.id}: no live isolate`)
    await this.writeBehind.busy()
    await this.beforeTask()
    const handler = async (kind: string, args: unknown[], item: number) => {
      // A read of the store must see the writes still waiting.
      if (kind === 'cache') await this.writeBehind.flush()
      if (kind !== 'fetch') return this.meta!.handle(kind, args)
      // One record per fetch (performFetch records every outcome): filed under the item that asked.
      this.fetchItems.push(item)
      return this.meta!.handle(kind, args)
    }
    this.fetchItems.length = this.meta?.fetches.records().length ?? 0
    return this.sandbox.run(method, items, handler, {
      timeoutMs: this.options.timeoutMs,
      pluginName: this.name,
      configId: this.configId,
      now: this.now(),
      cacheEpoch: this.meta ? this.meta.cache.externalWrites() : undefined,
    // The embedded cache (in this process) on the virtual clock takes writes behind. A real Redis gets
    // them before the call answers (others may read it at once), and so does a realtime clock (a TTL
    // starts when its write reaches the store).
    }, { valuesAsJson, deferCacheWrites: this.meta?.cache.externalWrites() === null || this.options.realtime ? undefined : (writes) => this.writeBehind.defer(writes) })
  }

  /** Configs of one plugin (the same plugin id) share its cache namespace. */
  get cacheNamespace(): string {
    return this.spec.pluginId ?? this.spec.id
  }

  /** Resolves when every cache write so far is in the store (before it is read from outside, or the clock moves). */
  settled(): Promise<void> {
    return this.writeBehind.flush()
  }

  /** After a memory-limit kill: a fresh isolate; setupPlugin runs again on next use, as after a reload. */
  revive(logs: LogEntry[]): void {
    if (this.state === 'failed' || !this.sandbox?.dead) return
    const reason = this.sandbox.dead
    try {
      this.instantiate()
      this.engines?.newRetrier()
      logs.push(this.log('warn', 'SYSTEM', `The plugin's isolate was disposed (${reason}). Plugin Studio started a new one; setupPlugin runs again.`))
    } catch (error) {
      this.loaded = false
      this.loadError = this.describeHostError(error)
      logs.push(this.log('error', 'PLUGIN', this.loadError.logMessage))
    }
  }

  /** An isolate error as the engines see it: a thrown string stays a string; else {name, message, stack (mapped), isRetry}. */
  errorValue(error: SandboxError): unknown {
    const d = this.describe(error)
    if (error.isString) return error.message
    return { name: d.detail.name, message: d.detail.message, stack: d.detail.stack, isRetry: d.isRetry }
  }

  consoleLogs(result: ItemResult): LogEntry[] {
    return result.logs.map((l) => ({ level: l.level as LogLevel, source: l.source ?? ('CONSOLE' as const), message: l.message, plugin: this.id, time: this.now() }))
  }

  ops(result: ItemResult): StateOp[] {
    return result.opsJson === undefined ? [] : (JSON.parse(result.opsJson) as StateOp[])
  }

  /** A sandbox error as PostHog's processError records it, with the stack mapped to the user's file. */
  describe(error: SandboxError, retry?: { attempt: number; maxAttempts: number }): DescribedError {
    const isRetry = !!error.isRetry || error.name === 'TimeoutError'
    if (error.isString) {
      return { text: error.message, logMessage: error.message, detail: { name: 'Error', message: error.message }, isRetry: false }
    }
    let text = error.text && error.text !== '[object Object]' ? error.text : `${error.name}: ${error.message}`
    if (isRetry && retry) {
      const nameWithAttempts = `${error.name} (attempt ${retry.attempt}/${retry.maxAttempts})`
      text = error.message ? `${nameWithAttempts}: ${error.message}` : nameWithAttempts
    }
    const stack = this.mapper?.mapStack(error.stack) ?? error.stack
    return { text, logMessage: stack ?? error.message, detail: { name: error.name, message: error.message, stack }, isRetry }
  }

  describeHostError(error: unknown): DescribedError {
    const e = error instanceof Error ? error : new Error(String(error))
    const stack = e.stack && this.mapper && e.stack.includes(this.scriptName) ? this.mapper.mapStack(e.stack) : undefined
    const text = e.name === 'CompileError' || e.name === 'PluginFolderError' ? e.message : `${e.name}: ${e.message}`
    return { text, logMessage: stack ?? text, detail: { name: e.name, message: e.message, stack }, isRetry: false }
  }

  async close(): Promise<void> {
    await this.writeBehind.flush()
    this.loaded = false
    if (this.options.debug === true) await debugHub.detach(this.id)
    this.sandbox?.dispose()
    this.sandbox = null
    await this.meta?.close()
    this.meta = null
  }
}
