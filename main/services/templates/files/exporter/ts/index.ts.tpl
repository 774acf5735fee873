import { RetryError } from '@posthog/plugin-scaffold'
import type { Meta, ProcessedPluginEvent } from '@posthog/plugin-scaffold'

export interface ExporterInput {
  config: { webhookUrl: string; apiKey: string }
}

/** Fails loading with a clear message when the URL cannot work, instead of failing every batch. */
export function setupPlugin({ config }: Meta<ExporterInput>): void {
  if (config.webhookUrl && !/^https?:\/\//.test(config.webhookUrl)) {
    throw new Error(`Webhook URL must start with http:// or https://, got "${config.webhookUrl}"`)
  }
}

/** Sends a batch of stored events to the webhook. */
export async function exportEvents(events: ProcessedPluginEvent[], { config }: Meta<ExporterInput>): Promise<void> {
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
  const headers: Record<string, string> = { 'Content-Type': 'application/json' }
  if (config.apiKey) headers.Authorization = `Bearer ${config.apiKey}`
  const response = await fetch(config.webhookUrl, { method: 'POST', headers, body: JSON.stringify({ batch }) })
  if (response.status >= 500 || response.status === 429) {
    throw new RetryError(`Webhook answered ${response.status}; the batch will be retried`)
  }
  if (!response.ok) throw new Error(`Webhook answered ${response.status}; the batch was not exported`)
}
