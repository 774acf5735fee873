import type { Meta, PluginEvent } from '@posthog/plugin-scaffold'

export interface EnrichmentInput {
  config: { tag: string }
}

/** Adds properties to every event; PostHog stores what this returns. */
export function processEvent(event: PluginEvent, { config }: Meta<EnrichmentInput>): PluginEvent {
  const properties: Record<string, unknown> = { ...event.properties, plugin_tag: config.tag }
  const currentUrl = properties.$current_url
  if (typeof currentUrl === 'string') {
    try {
      const path = new URL(currentUrl).pathname
      properties.url_path = path
      properties.url_depth = path.split('/').filter(Boolean).length
    } catch {
      // Not a URL: leave the event as it is.
    }
  }
  return { ...event, properties }
}
