// The event shapes of PostHog's plugin API (@posthog/plugin-scaffold), as plain JSON types.

export type Properties = Record<string, unknown>

export interface PluginPerson {
  uuid: string
  team_id: number
  properties: Properties
  created_at: string
}

/** The raw event given to processEvent. Unknown top-level keys are kept as they are. */
export interface PluginEvent {
  distinct_id: string
  ip: string | null
  site_url: string
  team_id: number
  now: string
  event: string
  sent_at?: string
  properties?: Properties
  timestamp?: string
  offset?: number
  $set?: Properties
  $set_once?: Properties
  uuid: string
  person?: PluginPerson
  [key: string]: unknown
}

export type LogLevel = 'debug' | 'log' | 'info' | 'warn' | 'error'
/** PostHog's log sources: CONSOLE for console.*, PLUGIN for recorded errors, SYSTEM for the server's own lines. */
export type LogSource = 'CONSOLE' | 'PLUGIN' | 'SYSTEM'

export interface LogEntry {
  level: LogLevel
  message: string
  source: LogSource
  /** The plugin that wrote it (its id in the pipeline), when there is one. */
  plugin?: string
  /** Virtual-clock time in ms since the epoch. */
  time: number
}
