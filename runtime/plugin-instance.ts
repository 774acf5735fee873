// One plugin config in the runtime: its folder, compiled code, isolate, meta host and PostHog's lazy
// setup state (PH-2022 lazy.ts), plus how its errors become PostHog's log entries.
import { randomUUID } from 'node:crypto'
import type { LogEntry, LogLevel } from '../common/plugin/event.ts'
import type { SerializedError } from '../common/rpc/messages.ts'
import type { Capabilities as ProtocolCapabilities, PluginSpec, RuntimeOptions, StateOp } from '../common/protocol/runtime.ts'
import { compilePlugin } from './compile.ts'
import type { CompiledPlugin } from './compile.ts'
import { createMetaHost } from './meta/index.ts'
import type { MetaHost } from './meta/index.ts'
import { attachmentsFromSpecs } from './meta/attachments.ts'
import { effectiveConfig, readPluginFolder } from './plugin-folder.ts'
import type { PluginFolder } from './plugin-folder.ts'
import { PluginIsolate } from './sandbox/plugin-isolate.ts'
import type { Capabilities, ItemResult, SandboxError } from './sandbox/plugin-isolate.ts'
import { StackMapper } from './stack-map.ts'

/** One id per runtime process, as PostHog's hub.instanceId in its system log lines. */
export const INSTANCE_ID = randomUUID()

/** PH-2022 lazy.ts: VM_INIT_MAX_RETRIES, INITIALIZATION_RETRY_BASE_MS, ×2. */
export const SETUP_MAX_ATTEMPTS = 5
export const SETUP_RETRY_BASE_MS = 5000

export type SetupState = 'deferred' | 'ready' | 'errored' | 'failed'

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
  state: SetupState = 'failed'
  loadError: DescribedError | null = null
  caps: Capabilities = { methods: [], jobs: [], scheduledTasks: [], hasProcessEventBatch: false }
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

  /** PostHog's `${plugin.name} (${pluginConfig.id})`, as in $plugins_succeeded. */
  get identifier(): string {
    return `${this.name} (${this.configId})`
  }

  log(level: LogLevel, source: LogEntry['source'], message: string): LogEntry {
    return { level, source, message, plugin: this.id, time: Date.now() }
  }

  /** Reads, compiles and instantiates; throws nothing: a failure leaves state 'failed' and loadError. */
  async load(logs: LogEntry[]): Promise<void> {
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
      })
      this.instantiate()
      const eager = this.caps.scheduledTasks.length > 0 || this.caps.jobs.length > 0
      this.state = 'deferred'
      logs.push(this.log('info', 'SYSTEM', `Plugin loaded (instance ID ${INSTANCE_ID}).`))
      if (eager) await this.setup(logs)
    } catch (error) {
      this.state = 'failed'
      this.loadError = this.describeHostError(error)
      logs.push(this.log('error', 'PLUGIN', this.loadError.logMessage))
      this.sandbox?.dispose()
      this.sandbox = null
    }
  }

  /** A new isolate with the compiled plugin run and discovered (also after a memory-limit kill). */
  instantiate(): void {
    const compiled = this.compiled!
    this.sandbox?.dispose()
    const sandbox = PluginIsolate.take(this.options.memoryMb)
    this.sandbox = sandbox
    sandbox.runPluginScript(compiled.code, this.scriptName, compiled.lineOffset, this.options.timeoutMs)
    this.caps = sandbox.init({
      config: this.config,
      attachments: this.spec.attachments ?? {},
      configId: this.configId,
      cacheGetMissing: this.options.cacheGetMissing ?? 'default',
    })
  }

  has(method: string): boolean {
    return this.caps.methods.includes(method)
  }

  capabilities(): ProtocolCapabilities {
    return { methods: this.caps.methods, jobs: this.caps.jobs, scheduled_tasks: this.caps.scheduledTasks }
  }

  /** Runs a sandbox task; a dead isolate (memory limit) fails the items and is replaced next time. */
  async run(method: string, items: unknown[]): Promise<ItemResult[]> {
    if (!this.sandbox || this.sandbox.dead) throw new Error(`${this.id}: no live isolate`)
    return this.sandbox.run(method, items, (kind, args) => this.meta!.handle(kind, args), {
      timeoutMs: this.options.timeoutMs,
      pluginName: this.name,
      configId: this.configId,
    })
  }

  /** After a memory-limit kill: a fresh isolate; setupPlugin runs again on next use, as after a reload. */
  revive(logs: LogEntry[]): void {
    if (this.state === 'failed' || !this.sandbox?.dead) return
    const reason = this.sandbox.dead
    try {
      this.instantiate()
      this.state = 'deferred'
      logs.push(this.log('warn', 'SYSTEM', `The plugin's isolate was disposed (${reason}). Plugin Studio started a new one; setupPlugin runs again.`))
    } catch (error) {
      this.state = 'failed'
      this.loadError = this.describeHostError(error)
      logs.push(this.log('error', 'PLUGIN', this.loadError.logMessage))
    }
  }

  /**
   * PH-2022 _setupPlugin: success → ready; RetryError → up to 5 attempts (PostHog waits 5 s, 10 s,
   * 20 s, 40 s; there is no clock yet, so the retries run at once and the logs name those delays);
   * anything else → errored ("Disabled the app!") and the plugin's methods count as absent.
   */
  async setup(logs: LogEntry[]): Promise<{ error: DescribedError | null; durationMs: number; result: ItemResult | null }> {
    const started = performance.now()
    let last: ItemResult | null = null
    for (let attempt = 1; attempt <= SETUP_MAX_ATTEMPTS; attempt++) {
      let error: DescribedError | null = null
      if (this.has('setupPlugin')) {
        const [result] = await this.run('setupPlugin', [null])
        last = result
        logs.push(...this.consoleLogs(result))
        if (result.error) error = this.describe(result.error, { attempt, maxAttempts: SETUP_MAX_ATTEMPTS })
      }
      if (!error) {
        this.state = 'ready'
        logs.push(this.log('info', 'SYSTEM', `setupPlugin succeeded (instance ID ${INSTANCE_ID}).`))
        return { error: null, durationMs: performance.now() - started, result: last }
      }
      if (error.isRetry && attempt < SETUP_MAX_ATTEMPTS && !this.sandbox?.dead) {
        const nextRetryMs = SETUP_RETRY_BASE_MS * 2 ** (attempt - 1)
        logs.push(this.log('error', 'SYSTEM', `setupPlugin failed with ${error.text} (instance ID ${INSTANCE_ID}). Retrying in ${nextRetryMs / 1000} s...`))
        continue
      }
      this.state = 'errored'
      logs.push(this.log('error', 'PLUGIN', error.logMessage))
      logs.push(this.log('error', 'SYSTEM', `setupPlugin failed with ${error.text} (instance ID ${INSTANCE_ID}). Disabled the app!`))
      return { error, durationMs: performance.now() - started, result: last }
    }
    throw new Error('unreachable')
  }

  consoleLogs(result: ItemResult): LogEntry[] {
    return result.logs.map((l) => ({ level: l.level as LogLevel, source: 'CONSOLE' as const, message: l.message, plugin: this.id, time: l.time }))
  }

  ops(result: ItemResult): StateOp[] {
    return (result as ItemResult & { ops?: StateOp[] }).ops ?? []
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
    this.sandbox?.dispose()
    this.sandbox = null
    await this.meta?.close()
    this.meta = null
  }
}
