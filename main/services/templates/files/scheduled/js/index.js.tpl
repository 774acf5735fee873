/** Seconds a fetched status stays valid; a few missed runs and events stop carrying a stale value. */
const STATUS_TTL_SECONDS = 5 * 60

/**
 * Runs once a minute: fetch the status and keep it in the cache.
 * @param {import('@posthog/plugin-scaffold').Meta} meta
 */
export async function runEveryMinute({ config, cache }) {
  if (!config.statusUrl) {
    console.log('No status URL set; nothing to fetch')
    return
  }
  const response = await fetch(config.statusUrl)
  if (!response.ok) throw new Error(`${config.statusUrl} answered ${response.status}`)
  const body = await response.json()
  await cache.set('status', String(body.status ?? 'unknown'), STATUS_TTL_SECONDS)
}

/**
 * Adds the latest fetched status to every event.
 * @param {import('@posthog/plugin-scaffold').PluginEvent} event
 * @param {import('@posthog/plugin-scaffold').Meta} meta
 */
export async function processEvent(event, { cache }) {
  const status = await cache.get('status', null)
  if (status === null) return event
  return { ...event, properties: { ...event.properties, service_status: status } }
}
