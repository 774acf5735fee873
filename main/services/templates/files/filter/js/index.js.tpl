/**
 * Runs once when the plugin loads: parse the settings a single time, not for every event.
 * @param {import('@posthog/plugin-scaffold').Meta} meta
 */
export function setupPlugin({ config, global }) {
  global.dropped = new Set(
    (config.eventsToDrop || '')
      .split(',')
      .map((name) => name.trim())
      .filter(Boolean),
  )
}

/**
 * Returns null to drop the event, or the event to keep it.
 * @param {import('@posthog/plugin-scaffold').PluginEvent} event
 * @param {import('@posthog/plugin-scaffold').Meta} meta
 */
export function processEvent(event, { config, global }) {
  if (global.dropped.has(event.event)) return null
  const email = event.properties?.email
  if (config.dropInternalUsers === 'Yes' && typeof email === 'string' && email.endsWith(`@${config.internalDomain}`)) {
    return null
  }
  return event
}
