import type { Meta, PluginEvent } from '@posthog/plugin-scaffold'

export interface ScheduledInput {
  config: { statusUrl: string }
}

/** Seconds a fetched status stays valid; a few missed runs and events stop carrying a stale value. */
const STATUS_TTL_SECONDS = 5 * 60

/** Runs once a minute: fetch the status and keep it in the cache. */
export async function runEveryMinute({ config, cache }: Meta<ScheduledInput>): Promise<void> {
  if (!config.statusUrl) {
    console.log('No status URL set; nothing to fetch')
    return
  }
  const response = await fetch(config.statusUrl)
  if (!response.ok) throw new Error(`${config.statusUrl} answered ${response.status}`)
  const body = (await response.json()) as { status?: unknown }
  await cache.set('status', String(body.status ?? 'unknown'), STATUS_TTL_SECONDS)
}

/** Adds the latest fetched status to every event. */
export async function processEvent(event: PluginEvent, { cache }: Meta<ScheduledInput>): Promise<PluginEvent> {
  const status = await cache.get('status', null)
  if (status === null) return event
  return { ...event, properties: { ...event.properties, service_status: status } }
}
