import type { Meta, PluginEvent } from '@posthog/plugin-scaffold'

export interface FilterInput {
  config: { eventsToDrop: string; dropInternalUsers: 'Yes' | 'No'; internalDomain: string }
  global: { dropped: Set<string> }
}

/** Runs once when the plugin loads: parse the settings a single time, not for every event. */
export function setupPlugin({ config, global }: Meta<FilterInput>): void {
  global.dropped = new Set(
    (config.eventsToDrop || '')
      .split(',')
      .map((name) => name.trim())
      .filter(Boolean),
  )
}

/** Returns null to drop the event, or the event to keep it. */
export function processEvent(event: PluginEvent, { config, global }: Meta<FilterInput>): PluginEvent | null {
  if (global.dropped.has(event.event)) return null
  const email = event.properties?.email
  if (config.dropInternalUsers === 'Yes' && typeof email === 'string' && email.endsWith(`@${config.internalDomain}`)) {
    return null
  }
  return event
}
