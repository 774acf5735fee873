// The fake PostHog's database: organizations, teams, users with personal API keys, plugins, their
// source files, plugin configs and attachments — the models of reference §4 and their serializers.
import { randomUUID } from 'node:crypto'

/** Organization.PluginsAccessLevel (reference §4.1). */
export const ACCESS = { NONE: 0, CONFIG: 3, INSTALL: 6, ROOT: 9 } as const

/** Which PostHog the fake acts as: field sets and the late refusal of new plugin configs differ. */
export type Flavor = 'ph-2022' | 'ph-2023' | 'late'

export const SECRET_FIELD_VALUE = '**************** POSTHOG SECRET FIELD ****************'
export const PLUGIN_CREATION_REFUSED = 'Plugin creation is no longer possible. Please refer to the Hog Functions documentation for more information.'

export interface Organization {
  id: string
  name: string
  plugins_access_level: number
}
export interface Team {
  id: number
  uuid: string
  name: string
  organization: string
  api_token: string
}
export interface User {
  uuid: string
  email: string
  first_name: string
  /** Organization ids the user is a member of; the first is current. */
  organizations: string[]
  key: string
  /** PH-late key scopes; null = a key without scopes (older instances). */
  scopes: string[] | null
}
export interface Plugin {
  id: number
  plugin_type: 'local' | 'custom' | 'repository' | 'source'
  name: string
  description: string | null
  url: string | null
  config_schema: unknown
  tag: string | null
  latest_tag: string | null
  latest_tag_checked_at: string | null
  is_global: boolean
  organization_id: string
  capabilities: Record<string, unknown>
  metrics: Record<string, unknown>
  public_jobs: Record<string, unknown>
  icon: string | null
  updated_at: string
}
export interface SourceFile {
  filename: string
  source: string
  status: 'LOCKED' | 'TRANSPILED' | 'ERROR' | null
  transpiled: string | null
  error: string | null
}
export interface PluginConfig {
  id: number
  plugin: number
  team_id: number
  enabled: boolean
  order: number
  /** Stored values: secrets in clear, as in PostHog's database. */
  config: Record<string, unknown>
  error: unknown
  created_at: string
  updated_at: string
  web_token: string
  deleted: boolean
}
export interface Attachment {
  id: number
  plugin_config: number
  key: string
  content_type: string
  file_name: string
  file_size: number
  contents: Buffer
}
export interface Activity {
  user: { first_name: string; email: string }
  activity: string
  created_at: string
  scope: 'Plugin' | 'PluginConfig'
  item_id: string
  detail: Record<string, unknown>
  organization_id: string
  team_id: number | null
}
export interface LogEntry {
  id: string
  team_id: number
  plugin_id: number
  plugin_config_id: number
  timestamp: string
  source: 'SYSTEM' | 'PLUGIN' | 'CONSOLE'
  type: 'DEBUG' | 'LOG' | 'INFO' | 'WARN' | 'ERROR'
  message: string
  instance_id: string
}
export interface Job {
  sql: string
  params: string[]
}

export class FakeDatabase {
  readonly organizations: Organization[] = []
  readonly teams: Team[] = []
  readonly users: User[] = []
  readonly plugins = new Map<number, Plugin>()
  readonly sourceFiles = new Map<number, Map<string, SourceFile>>()
  readonly pluginConfigs = new Map<number, PluginConfig>()
  readonly attachments = new Map<number, Attachment>()
  readonly activity: Activity[] = []
  readonly logs: LogEntry[] = []
  readonly jobs: Job[] = []
  /** How often Django would have told the plugin servers to reload (mock_reload in the tests). */
  reloads = 0
  #ids = { plugin: 0, config: 0, attachment: 0, team: 0 }

  addOrganization(name: string, pluginsAccessLevel: number): Organization {
    const org = { id: randomUUID(), name, plugins_access_level: pluginsAccessLevel }
    this.organizations.push(org)
    return org
  }
  addTeam(organization: Organization, name: string): Team {
    const team = { id: ++this.#ids.team, uuid: randomUUID(), name, organization: organization.id, api_token: `phc_${randomUUID().replace(/-/g, '')}` }
    this.teams.push(team)
    return team
  }
  addUser(email: string, key: string, organizations: Organization[], scopes: string[] | null = null): User {
    const user = { uuid: randomUUID(), email, first_name: '', organizations: organizations.map((o) => o.id), key, scopes }
    this.users.push(user)
    return user
  }
  nextId(kind: 'plugin' | 'config' | 'attachment'): number {
    return ++this.#ids[kind]
  }
  organization(id: string): Organization | undefined {
    return this.organizations.find((o) => o.id === id)
  }
  currentTeam(user: User): Team | undefined {
    return this.teams.find((t) => t.organization === user.organizations[0])
  }
}

/** Plugin.config_schema in array form (getConfigSchemaArray). */
export function schemaFields(schema: unknown): { key?: string; type?: string; secret?: boolean }[] {
  if (Array.isArray(schema)) return schema as { key?: string }[]
  if (schema && typeof schema === 'object') return Object.entries(schema).map(([key, value]) => ({ key, ...(value as object) }))
  return []
}

export function secretKeys(plugin: Plugin): Set<string> {
  return new Set(schemaFields(plugin.config_schema).filter((f) => f.secret && f.key).map((f) => f.key!))
}

export function serializePlugin(db: FakeDatabase, plugin: Plugin, flavor: Flavor): Record<string, unknown> {
  const org = db.organization(plugin.organization_id)
  const recentlyChecked = plugin.latest_tag_checked_at && Date.now() - Date.parse(plugin.latest_tag_checked_at) < 30 * 60_000
  const body: Record<string, unknown> = {
    id: plugin.id,
    plugin_type: plugin.plugin_type,
    name: plugin.name,
    description: plugin.description,
    // Private tokens never leave the server.
    url: plugin.url ? plugin.url.replace(/\?private_token=.*$/, '') : null,
    config_schema: plugin.config_schema,
    tag: plugin.tag,
    latest_tag: plugin.latest_tag && (plugin.latest_tag !== plugin.tag || recentlyChecked) ? plugin.latest_tag : null,
    is_global: plugin.is_global,
    organization_id: plugin.organization_id,
    organization_name: org?.name ?? null,
    capabilities: plugin.capabilities,
    metrics: plugin.metrics,
    public_jobs: plugin.public_jobs,
  }
  if (flavor !== 'ph-2022') body.icon = plugin.icon
  if (flavor === 'late') body.hog_function_migration_available = false
  return body
}

/** PluginConfigSerializer.get_config: attachments merged in, secrets masked. */
export function serializedConfigValues(db: FakeDatabase, config: PluginConfig): Record<string, unknown> {
  const plugin = db.plugins.get(config.plugin)!
  const secrets = secretKeys(plugin)
  const values: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(config.config)) values[key] = secrets.has(key) && value ? SECRET_FIELD_VALUE : value
  for (const attachment of db.attachments.values()) {
    if (attachment.plugin_config !== config.id) continue
    values[attachment.key] = secrets.has(attachment.key)
      ? { uid: -1, saved: true, size: -1, name: SECRET_FIELD_VALUE, type: 'application/octet-stream' }
      : { uid: attachment.id, saved: true, size: attachment.file_size, name: attachment.file_name, type: attachment.content_type }
  }
  return values
}

export function serializePluginConfig(db: FakeDatabase, config: PluginConfig, flavor: Flavor, retrieve = false): Record<string, unknown> {
  const body: Record<string, unknown> = {
    id: config.id,
    plugin: config.plugin,
    enabled: config.enabled,
    order: config.order,
    config: serializedConfigValues(db, config),
    error: flavor === 'late' ? null : config.error,
    team_id: config.team_id,
  }
  if (flavor !== 'ph-2022') {
    const plugin = db.plugins.get(config.plugin)!
    body.plugin_info = retrieve ? serializePlugin(db, plugin, flavor) : null
    body.delivery_rate_24h = null
    body.created_at = config.created_at
  }
  if (flavor === 'late') Object.assign(body, { updated_at: config.updated_at, name: null, description: null, deleted: config.deleted })
  return body
}

export function paginated(results: unknown[], url: URL, base: string): Record<string, unknown> {
  const limit = Math.max(1, Number(url.searchParams.get('limit') ?? 100) || 100)
  const offset = Math.max(0, Number(url.searchParams.get('offset') ?? 0) || 0)
  const page = results.slice(offset, offset + limit)
  const link = (o: number) => `${base}${url.pathname}?limit=${limit}&offset=${o}`
  return {
    count: results.length,
    next: offset + limit < results.length ? link(offset + limit) : null,
    previous: offset > 0 ? link(Math.max(0, offset - limit)) : null,
    results: page,
  }
}
