import type { Meta, PluginEvent } from '@posthog/plugin-scaffold'

export interface HelloInput {
  config: { greeting: string }
}

/** Called for every event; return it (changed or not) to keep it, or null to drop it. */
export function processEvent(event: PluginEvent, { config }: Meta<HelloInput>): PluginEvent {
  console.log(`Greeting ${event.distinct_id} on "${event.event}"`)
  return { ...event, properties: { ...event.properties, greeting: config.greeting } }
}
