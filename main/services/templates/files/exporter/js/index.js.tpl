import { RetryError } from '@posthog/plugin-scaffold'

/**
 * Fails loading with a clear message when the URL cannot work, instead of failing every batch.
 * @param {import('@posthog/plugin-scaffold').Meta} meta
 */
export function setupPlugin({ config }) {
  if (config.webhookUrl && !/^https?:\/\//.test(config.webhookUrl)) {
    throw new Error(`Webhook URL must start with http:// or https://, got "${config.webhookUrl}"`)
  }
}

/**
 * Sends a batch of stored events to the webhook.
 * @param {import('@posthog/plugin-scaffold').ProcessedPluginEvent[]} events
 * @param {import('@posthog/plugin-scaffold').Meta} meta
 */
export async function exportEvents(events, { config }) {
  const batch = events.map((event) => ({
    uuid: event.uuid,
    event: event.event,
    distinct_id: event.distinct_id,
    timestamp: event.timestamp,
    properties: event.properties,
  }))
  if (!config.webhookUrl) {
    console.log(`No webhook URL set; would send ${batch.length} event(s):`, batch)
    return
  }
  const headers = { 'Content-Type': 'application/json' }
  if (config.apiKey) headers.Authorization = `Bearer ${config.apiKey}`
  const response = await fetch(config.webhookUrl, { method: 'POST', headers, body: JSON.stringify({ batch }) })
  if (response.status >= 500 || response.status === 429) {
    throw new RetryError(`Webhook answered ${response.status}; the batch will be retried`)
  }
  if (!response.ok) throw new Error(`Webhook answered ${response.status}; the batch was not exported`)
}
