/**
 * Adds properties to every event; PostHog stores what this returns.
 * @param {import('@posthog/plugin-scaffold').PluginEvent} event
 * @param {import('@posthog/plugin-scaffold').Meta} meta
 */
export function processEvent(event, { config }) {
  const properties = { ...event.properties, plugin_tag: config.tag }
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
