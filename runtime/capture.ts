// posthog.capture(event, properties) as PostHog's extensions/posthog.ts sends it (PS-2021 = PH-2022):
// `timestamp` and `distinct_id` taken out of the properties (defaults: now, and the plugin's name),
// `$lib: 'posthog-plugin-server'`, the server's version, a time-ordered uuid and the team id. Captured
// events go through every plugin again in PostHog, so a plugin that captures on every event loops for
// ever; the studio feeds them back only on request, and stops a chain at a depth limit.
import { randomBytes } from 'node:crypto'
import type { PluginEvent } from '../common/plugin/event.ts'

/** Stands for PostHog's plugin-server version in `$lib_version`. */
export const PLUGIN_SERVER_VERSION = '1.0.0'
export const DEFAULT_CAPTURE_LOOP_LIMIT = 10
/** Captured events fed back per call, whatever the depth: a wide loop is stopped too. */
export const MAX_FED_PER_CALL = 10_000

/** A UUID whose first 48 bits are the time (like PostHog's UUIDT, and UUID v7), from the runtime clock. */
export function timeOrderedUuid(time: number): string {
  const bytes = randomBytes(16)
  let t = Math.max(0, Math.floor(time))
  for (let i = 5; i >= 0; i--) {
    bytes[i] = t % 256
    t = Math.floor(t / 256)
  }
  bytes[6] = (bytes[6] & 0x0f) | 0x70
  bytes[8] = (bytes[8] & 0x3f) | 0x80
  const hex = bytes.toString('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}

/** The captured data PostHog produces, as the event the pipeline would receive from Kafka. */
export function shapeCapture(raw: unknown, context: { teamId: number; pluginName: string; pluginId: string; now: number }): PluginEvent {
  const r = (raw ?? {}) as { event?: unknown; properties?: unknown }
  const properties = r.properties && typeof r.properties === 'object' && !Array.isArray(r.properties) ? (r.properties as Record<string, unknown>) : {}
  const { timestamp = new Date(context.now).toISOString(), distinct_id = context.pluginName || `plugin-id-${context.pluginId}`, ...rest } = properties
  return {
    distinct_id: distinct_id as string,
    event: String(r.event),
    timestamp: timestamp as string,
    properties: { $lib: 'posthog-plugin-server', $lib_version: PLUGIN_SERVER_VERSION, distinct_id, ...rest },
    team_id: context.teamId,
    uuid: timeOrderedUuid(context.now),
    ip: null,
    site_url: '',
    now: new Date(context.now).toISOString(),
  }
}

/** The loop guard's refusal, naming the plugin and the setting. */
export function captureLoopMessage(pluginName: string, event: string, depth: number, limit: number): string {
  return (
    `posthog.capture loop stopped: plugin "${pluginName}" captured "${event}" ${depth} generations deep ` +
    `(each captured event goes through every plugin again, as in PostHog, where this loop never ends). ` +
    `The event was collected but not fed back; raise the runtime option captureLoopLimit (now ${limit}) for deeper chains.`
  )
}
