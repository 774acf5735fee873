// PostHog's convertToProcessedPluginEvent, and the checks a load request gets before anything starts.
import type { PluginEvent } from '../common/plugin/event.ts'
import type { LoadRequest } from '../common/protocol/runtime.ts'

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

export function validateLoadRequest(request: LoadRequest): void {
  if (!request || typeof request !== 'object') throw new Error('load expects {plugins, options}')
  if (!Array.isArray(request.plugins)) throw new Error('load: "plugins" must be an array of plugin specs')
  const o = request.options
  if (!o || typeof o !== 'object') throw new Error('load: "options" is missing')
  if (!(Number.isFinite(o.timeoutMs) && o.timeoutMs > 0)) throw new Error(`load: options.timeoutMs must be a positive number, not ${o.timeoutMs}`)
  if (!(Number.isFinite(o.memoryMb) && o.memoryMb >= 8)) throw new Error(`load: options.memoryMb must be at least 8, not ${o.memoryMb}`)
  if (o.captureLoopLimit !== undefined && !(Number.isInteger(o.captureLoopLimit) && o.captureLoopLimit >= 1)) throw new Error(`load: options.captureLoopLimit must be a whole number of at least 1, not ${o.captureLoopLimit}`)
  if (o.clockStart !== undefined && !Number.isFinite(o.clockStart)) throw new Error(`load: options.clockStart must be a time in ms since the epoch, not ${o.clockStart}`)
  const ids = new Set<string>()
  for (const [i, p] of request.plugins.entries()) {
    if (!p || typeof p.id !== 'string' || typeof p.dir !== 'string') throw new Error(`load: plugin ${i + 1} needs a string "id" and "dir"`)
    if (ids.has(p.id)) throw new Error(`load: two plugins have the id "${p.id}"`)
    ids.add(p.id)
  }
}
