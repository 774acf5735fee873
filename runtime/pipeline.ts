// PostHog's per-event flow (PH-2022): lazy setupPlugin, the processEvent chain in order (null drops,
// a throw lets the event go on, team_id is guarded), `$plugins_*` written onto the input event object,
// then onEvent/onSnapshot on the ProcessedPluginEvent, exportEvents through the onEvent buffer
// (flushed at the end of each processEvents call and at unload). Events go through each plugin in
// batches: one synchronous crossing into the isolate per batch, not per event.
import type { LogEntry, PluginEvent } from '../common/plugin/event.ts'
import type { EventResult, LoadRequest, LoadResult, PluginLoadResult, RuntimeEvents, RuntimeOptions, RuntimeStatus, StageResult, StateOp, TeardownResult, WireEventResult } from '../common/protocol/runtime.ts'
import { annotate } from '../common/protocol/runtime.ts'
import { INSTANCE_ID, PluginInstance } from './plugin-instance.ts'
import type { ItemResult } from './sandbox/plugin-isolate.ts'

/** Events per crossing into an isolate. */
export const BATCH_SIZE = 100
/** PH-2022 runRetriableFunction for onEvent: 5 attempts, 5 s base, ×2. */
const ON_EVENT_MAX_ATTEMPTS = 5
const ON_EVENT_RETRY_BASE_MS = 5000

/** An EventResult while the pipeline works on it: the annotations are applied only on the way out. */
type Working = EventResult & { annotations?: WireEventResult['annotations'] }

/** The output goes over the wire once: the stage that produced it points at it. */
function toWire(r: Working): WireEventResult {
  const stages = r.stages.map((s) => {
    if (s.output === undefined || s.output !== r.output) return s
    const { output: _same, ...rest } = s
    return { ...rest, outputIsFinal: true }
  })
  const wire: WireEventResult = { output: r.output, error: r.error, logs: r.logs, droppedBy: r.droppedBy, stages }
  if (r.annotations) wire.annotations = r.annotations
  return wire
}

type Emit = <K extends keyof RuntimeEvents>(name: K, payload: RuntimeEvents[K]) => void

/** PostHog's IllegalOperationError (utils.ts). */
const TEAM_ID_ERROR = { name: 'IllegalOperationError', message: 'Plugin tried to change event.team_id' }

export class Pipeline {
  private plugins: PluginInstance[] = []
  private options: RuntimeOptions | null = null

  private readonly emit: Emit
  constructor(emit: Emit) {
    this.emit = emit
  }

  async load(request: LoadRequest): Promise<LoadResult> {
    validateLoadRequest(request)
    await this.unload()
    this.options = request.options
    this.plugins = request.plugins.map((spec, i) => new PluginInstance(spec, i, request.options))
    const setup: PluginLoadResult[] = []
    for (const plugin of this.plugins) {
      const logs: LogEntry[] = []
      await plugin.load(logs)
      if (plugin.state === 'ready') await this.flushCache(plugin, undefined) // eager setupPlugin's writes
      this.emitLogs(logs)
      const failure = plugin.loadError ?? null
      setup.push({
        plugin: plugin.id,
        name: plugin.name,
        error: failure?.text ?? (plugin.state === 'errored' ? 'setupPlugin failed' : null),
        ...(failure ? { errorDetail: failure.detail } : {}),
        logs,
        capabilities: plugin.capabilities(),
        setup: plugin.state === 'ready' ? 'ready' : plugin.state === 'deferred' ? 'deferred' : 'failed',
      })
      if (plugin.state === 'errored') {
        const last = logs.filter((l) => l.source === 'PLUGIN').pop()
        setup[setup.length - 1].error = last ? last.message.split('\n')[0] : 'setupPlugin failed'
      }
    }
    return { setup }
  }

  async processEvents(events: PluginEvent[]): Promise<WireEventResult[]> {
    if (!Array.isArray(events)) throw new Error('processEvents expects an array of events')
    if (!this.options) throw new Error('No plugins are loaded: call load first')
    const results: Working[] = events.map((input) => ({ input, output: input, error: null, logs: [], droppedBy: null, stages: [] }))
    // Revive isolates a memory limit killed, then PostHog's lazy setup (getVmMethod on first use).
    const early: LogEntry[] = []
    for (const plugin of this.plugins) plugin.revive(early)
    const setupStages: StageResult[] = []
    for (const plugin of this.plugins) {
      if (plugin.state !== 'deferred') continue
      if (!['processEvent', 'onEvent', 'onSnapshot'].some((m) => plugin.has(m))) continue
      const logs: LogEntry[] = []
      const outcome = await plugin.setup(logs)
      setupStages.push(stage(plugin.id, 'setupPlugin', outcome.error?.text ?? null, logs, outcome.durationMs, outcome.result, outcome.error?.detail))
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
      for (const plugin of this.plugins) await this.flushCache(plugin, undefined) // setupPlugin's writes
    }

    for (let start = 0; start < events.length; start += BATCH_SIZE) {
      await this.runBatch(results.slice(start, start + BATCH_SIZE))
    }
    // End of the call: export buffers flushed (no clock yet), cache writes reach the store.
    const last = results[results.length - 1]
    for (const plugin of this.plugins) {
      if (plugin.state !== 'ready' || !plugin.sandbox || plugin.sandbox.dead) continue
      if (plugin.has('exportEvents')) {
        const [r] = await plugin.run('flushExports', [null])
        if (r && (r.logs.length || r.error || r.jobs.length) && last) this.attach(last, plugin, 'exportEvents', r)
        else if (r?.error) this.emitLogs([plugin.log('error', 'PLUGIN', plugin.describe(r.error).logMessage)])
        // exportEvents may have written to the cache; every batch flushed its own writes already.
        await this.flushCache(plugin, last)
      }
    }
    for (const r of results) {
      this.emitLogs(r.logs)
      for (const s of r.stages) for (const op of s.ops) this.emit('stateOp', { ...op, plugin: s.plugin })
    }
    return results.map(toWire)
  }

  private async runBatch(batch: Working[]): Promise<void> {
    const teamIds = batch.map((r) => r.input.team_id)
    const same = batch.map(() => true)
    const succeeded: string[][] = batch.map(() => [])
    const failed: string[][] = batch.map(() => [])
    const deferred: string[][] = batch.map(() => [])
    const alive = (i: number) => batch[i].output !== null
    for (const plugin of this.plugins) {
      if (plugin.state !== 'ready') continue // failed or errored: PostHog treats its methods as absent
      if (plugin.has('processEvent')) {
        const idx = batch.map((_, i) => i).filter((i) => alive(i) && batch[i].output!.event !== '$snapshot')
        if (idx.length > 0) {
          const items = await this.runOrFail(plugin, 'processEvent', idx.map((i) => batch[i].output))
          idx.forEach((i, k) => {
            const r = items[k]
            const result = batch[i]
            if (r.error) {
              const described = plugin.describe(r.error)
              if (r.value && typeof r.value === 'object') result.output = r.value as PluginEvent
              failed[i].push(plugin.identifier)
              this.attach(result, plugin, 'processEvent', r, described.text, described.detail, result.output)
              result.logs.push(plugin.log('error', 'PLUGIN', described.logMessage))
              result.error ??= described.text
              return
            }
            same[i] &&= (r as ItemResult & { same?: boolean }).same === true
            const value = r.value as PluginEvent | null
            if (value === null || value === undefined) {
              result.output = null
              result.droppedBy = plugin.id
              this.attach(result, plugin, 'processEvent', r, null, undefined, null)
              return
            }
            if (value.team_id !== teamIds[i]) {
              value.team_id = teamIds[i]
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
      if (!alive(i) || r.input.event === '$snapshot') return
      if (!succeeded[i].length && !failed[i].length && !deferred[i].length) return
      if (!same[i]) return
      r.annotations = { succeeded: succeeded[i], failed: failed[i], deferred: deferred[i] }
    })
    // onEvent / onSnapshot on the processed event, every plugin that has it.
    for (const plugin of this.plugins) {
      if (plugin.state !== 'ready') continue
      for (const method of ['onEvent', 'onSnapshot'] as const) {
        if (!plugin.has(method)) continue
        const idx = batch.map((_, i) => i).filter((i) => alive(i) && (batch[i].output!.event === '$snapshot') === (method === 'onSnapshot'))
        if (idx.length > 0) await this.runOnEvent(plugin, method, idx.map((i) => batch[i]))
      }
    }
    for (const plugin of this.plugins) await this.flushCache(plugin, batch[batch.length - 1])
  }

  /** PH-2022 runRetriableFunction: RetryError retried up to 5 attempts (delays logged, run at once). */
  private async runOnEvent(plugin: PluginInstance, method: 'onEvent' | 'onSnapshot', targets: Working[]): Promise<void> {
    const processed = targets.map((r) => toProcessedEvent(r.annotations ? annotate(r.output!, r.annotations) : r.output!))
    let pending = targets.map((_, k) => k)
    for (let attempt = 1; attempt <= ON_EVENT_MAX_ATTEMPTS && pending.length > 0; attempt++) {
      const items = await this.runOrFail(plugin, method, pending.map((k) => processed[k]))
      const retry: number[] = []
      pending.forEach((k, j) => {
        const r = items[j]
        const result = targets[k]
        if (!r.error) return this.attach(result, plugin, method, r)
        const described = plugin.describe(r.error, { attempt, maxAttempts: ON_EVENT_MAX_ATTEMPTS })
        this.attach(result, plugin, method, r, described.text, described.detail)
        if (described.isRetry && attempt < ON_EVENT_MAX_ATTEMPTS && !plugin.sandbox?.dead) {
          const delay = ON_EVENT_RETRY_BASE_MS * 2 ** (attempt - 1)
          result.logs.push(plugin.log('warn', 'SYSTEM', `${method} failed with ${described.text}. Retrying in ${delay / 1000} s (PostHog's back-off; Plugin Studio retries at once).`))
          retry.push(k)
        } else {
          result.logs.push(plugin.log('error', 'PLUGIN', described.logMessage))
          result.error ??= described.text
        }
      })
      pending = retry
    }
  }

  private async runOrFail(plugin: PluginInstance, method: string, items: unknown[]): Promise<ItemResult[]> {
    if (!plugin.sandbox || plugin.sandbox.dead) {
      const reason = plugin.sandbox?.dead ?? 'The plugin has no isolate'
      return items.map(() => ({ value: undefined, error: { name: 'Error', message: reason }, logs: [], captures: [], apiCalls: [], jobs: [], ms: 0 }))
    }
    return plugin.run(method, items)
  }

  private async flushCache(plugin: PluginInstance, target: Working | undefined): Promise<void> {
    if (plugin.state === 'failed' || !plugin.sandbox || plugin.sandbox.dead) return
    const [r] = await plugin.run('flushCache', [null])
    const logs = r ? [...plugin.consoleLogs(r), ...(r.error ? [plugin.log('error', 'SYSTEM', `Writing the cache failed: ${r.error.message}`)] : [])] : []
    if (logs.length === 0) return
    if (target) target.logs.push(...logs)
    else this.emitLogs(logs)
  }

  private attach(result: Working, plugin: PluginInstance, method: StageResult['method'], r: ItemResult, error: string | null = null, detail?: StageResult['errorDetail'], output?: PluginEvent | null): void {
    const logs = plugin.consoleLogs(r)
    const s = stage(plugin.id, method, error, logs, r.ms, r, detail)
    if (output !== undefined) s.output = output
    result.stages.push(s)
    result.logs.push(...logs)
  }

  async unload(): Promise<TeardownResult> {
    const teardown: TeardownResult['teardown'] = []
    for (const plugin of this.plugins) {
      const logs: LogEntry[] = []
      let error: string | null = null
      if (plugin.state === 'ready' && plugin.has('teardownPlugin') && plugin.sandbox && !plugin.sandbox.dead) {
        const [r] = await plugin.run('teardownPlugin', [null])
        logs.push(...plugin.consoleLogs(r))
        if (r.error) {
          const described = plugin.describe(r.error)
          error = described.text
          logs.push(plugin.log('error', 'PLUGIN', described.logMessage))
          logs.push(plugin.log('error', 'SYSTEM', `Plugin failed to unload (instance ID ${INSTANCE_ID}).`))
        } else logs.push(plugin.log('info', 'SYSTEM', `Plugin unloaded (instance ID ${INSTANCE_ID}).`))
        await this.flushCache(plugin, undefined)
      }
      await plugin.close()
      this.emitLogs(logs)
      teardown.push({ plugin: plugin.id, error, logs })
    }
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

function stage(plugin: string, method: StageResult['method'], error: string | null, logs: LogEntry[], durationMs: number, r: ItemResult | null, detail?: StageResult['errorDetail']): StageResult {
  const s: StageResult = { plugin, method, error, logs, durationMs, ops: ((r as (ItemResult & { ops?: StateOp[] }) | null)?.ops ?? []) }
  if (detail) s.errorDetail = detail
  if (r?.captures.length) s.captures = r.captures
  if (r?.apiCalls.length) s.apiCalls = r.apiCalls
  if (r?.jobs.length) s.jobs = r.jobs
  return s
}

/** PostHog's convertToProcessedPluginEvent after ingestion's normalizeEvent ($set merged into properties). */
export function toProcessedEvent(event: PluginEvent) {
  const properties: Record<string, unknown> = { ...(event.properties ?? {}) }
  if (event.$set) properties.$set = { ...(properties.$set as object | undefined), ...event.$set }
  if (event.$set_once) properties.$set_once = { ...(properties.$set_once as object | undefined), ...event.$set_once }
  let elements: unknown[] = []
  if (Array.isArray(properties.$elements)) {
    elements = properties.$elements
    delete properties.$elements
  }
  return {
    distinct_id: String(event.distinct_id),
    ip: event.ip ?? null,
    team_id: event.team_id,
    event: event.event,
    properties,
    timestamp: event.timestamp ?? event.now ?? new Date().toISOString(),
    $set: properties.$set,
    $set_once: properties.$set_once,
    uuid: event.uuid,
    elements,
  }
}

function validateLoadRequest(request: LoadRequest): void {
  if (!request || typeof request !== 'object') throw new Error('load expects {plugins, options}')
  if (!Array.isArray(request.plugins)) throw new Error('load: "plugins" must be an array of plugin specs')
  const o = request.options
  if (!o || typeof o !== 'object') throw new Error('load: "options" is missing')
  if (!(Number.isFinite(o.timeoutMs) && o.timeoutMs > 0)) throw new Error(`load: options.timeoutMs must be a positive number, not ${o.timeoutMs}`)
  if (!(Number.isFinite(o.memoryMb) && o.memoryMb >= 8)) throw new Error(`load: options.memoryMb must be at least 8, not ${o.memoryMb}`)
  const ids = new Set<string>()
  for (const [i, p] of request.plugins.entries()) {
    if (!p || typeof p.id !== 'string' || typeof p.dir !== 'string') throw new Error(`load: plugin ${i + 1} needs a string "id" and "dir"`)
    if (ids.has(p.id)) throw new Error(`load: two plugins have the id "${p.id}"`)
    ids.add(p.id)
  }
}
