// /api/projects/{team}/plugin_configs/ and the legacy /api/plugin_config/ — PluginConfigViewSet
// (reference §4.3): multipart `config` JSON, secrets kept and masked, attachments, soft delete.
import type { Context } from './context.ts'
import { canConfigure, requireScope } from './context.ts'
import { ApiError, field, notFound, parseBool, parseInt10, serverError, validation } from './http.ts'
import type { Reply } from './routes-plugins.ts'
import { PLUGIN_CREATION_REFUSED, paginated, secretKeys, serializePluginConfig, type LogEntry, type PluginConfig, type Team } from './state.ts'

export function pluginConfigRoutes(ctx: Context, team: Team, rest: string[]): Reply {
  requireScope(ctx, 'plugin')
  const org = ctx.db.organization(team.organization)!
  const configurable = canConfigure(org)
  // The queryset is empty unless the organization can configure plugins: 404 for objects.
  const queryset = () =>
    configurable ? [...ctx.db.pluginConfigs.values()].filter((c) => c.team_id === team.id).sort((a, b) => a.order - b.order || a.plugin - b.plugin) : []
  const [id, action] = rest

  if (id === undefined) {
    if (ctx.method === 'GET') return { status: 200, body: paginated(queryset().map((c) => serializePluginConfig(ctx.db, c, ctx.flavor)), ctx.url, ctx.baseUrl) }
    if (ctx.method === 'POST') {
      if (!configurable) throw validation('Plugin configuration is not available for the current organization!')
      return createConfig(ctx, team)
    }
    throw new ApiError(405, 'invalid_request', 'method_not_allowed', `Method "${ctx.method}" not allowed.`)
  }
  if (id === 'rearrange' && ctx.method === 'PATCH') return rearrange(ctx, queryset())
  if (!/^\d+$/.test(id)) throw notFound()
  const config = queryset().find((c) => c.id === Number(id))
  if (!config) throw notFound()

  if (action === undefined) {
    if (ctx.method === 'GET') return { status: 200, body: serializePluginConfig(ctx.db, config, ctx.flavor, true) }
    if (ctx.method === 'PATCH' || ctx.method === 'PUT') {
      updateConfig(ctx, config)
      return { status: 200, body: serializePluginConfig(ctx.db, config, ctx.flavor) }
    }
    if (ctx.method === 'DELETE') {
      // Soft delete: the row stays, disabled.
      config.enabled = false
      config.deleted = ctx.flavor === 'late' ? true : config.deleted
      ctx.db.reloads++
      return { status: 204 }
    }
  }
  if (action === 'job' && ctx.method === 'POST') return triggerJob(ctx, config)
  if (action === 'frontend' && ctx.method === 'GET') return frontend(ctx, config)
  if (action === 'logs' && ctx.method === 'GET') return logs(ctx, config)
  throw notFound()
}

/** `_fix_formdata_config_json`: `config` is read from form data only; JSON bodies do not set it. */
function formConfig(ctx: Context): Record<string, unknown> | undefined {
  const raw = ctx.body.form?.get('config')
  if (raw === undefined) return undefined
  try {
    const parsed = JSON.parse(raw)
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? parsed : {}
  } catch {
    throw serverError()
  }
}

function createConfig(ctx: Context, team: Team): Reply {
  const pluginField = field(ctx.body, 'plugin')
  if (pluginField === undefined || pluginField === '') throw validation('This field is required.', 'plugin', 'required')
  const pluginId = /^\d+$/.test(String(pluginField)) ? Number(pluginField) : NaN
  const plugin = ctx.db.plugins.get(pluginId)
  if (!plugin || (plugin.organization_id !== team.organization && !plugin.is_global)) {
    throw validation(`Invalid pk "${String(pluginField)}" - object does not exist.`, 'plugin', 'does_not_exist')
  }
  const orderField = field(ctx.body, 'order')
  if (orderField === undefined || orderField === '') throw validation('This field is required.', 'order', 'required')
  const order = parseInt10(orderField, 'order')
  const enabled = field(ctx.body, 'enabled') === undefined ? false : parseBool(field(ctx.body, 'enabled'), 'enabled')

  const existing = [...ctx.db.pluginConfigs.values()].find((c) => c.team_id === team.id && c.plugin === plugin.id)
  if (existing) {
    // "Don't allow multiple plugin configs": a second create updates the first.
    updateConfig(ctx, existing)
    return { status: 201, body: serializePluginConfig(ctx.db, existing, ctx.flavor) }
  }
  // Late PostHog converts new plugin configs to hog functions and refuses the rest.
  if (ctx.flavor === 'late') throw validation(PLUGIN_CREATION_REFUSED)
  const now = ctx.now()
  const config: PluginConfig = {
    id: ctx.db.nextId('config'),
    plugin: plugin.id,
    team_id: team.id,
    enabled,
    order,
    config: formConfig(ctx) ?? {},
    error: null,
    created_at: now,
    updated_at: now,
    web_token: Math.random().toString(36).slice(2, 14),
    deleted: false,
  }
  ctx.db.pluginConfigs.set(config.id, config)
  applyAttachments(ctx, config)
  ctx.db.reloads++
  if (enabled) logConfigActivity(ctx, config, 'enabled', [])
  return { status: 201, body: serializePluginConfig(ctx.db, config, ctx.flavor) }
}

function updateConfig(ctx: Context, config: PluginConfig): void {
  const wasEnabled = config.enabled
  const enabled = field(ctx.body, 'enabled')
  if (enabled !== undefined) config.enabled = parseBool(enabled, 'enabled')
  const order = field(ctx.body, 'order')
  if (order !== undefined) config.order = parseInt10(order, 'order')
  const values = formConfig(ctx)
  if (values) {
    // Secret fields missing or null keep their old value; "" clears them.
    for (const key of secretKeys(ctx.db.plugins.get(config.plugin)!)) {
      if (values[key] === undefined || values[key] === null) {
        if (config.config[key] !== undefined) values[key] = config.config[key]
        else delete values[key]
      }
    }
    config.config = values
  }
  if (ctx.flavor === 'late' && field(ctx.body, 'deleted') !== undefined && parseBool(field(ctx.body, 'deleted'), 'deleted')) {
    config.deleted = true
    config.enabled = false
  }
  applyAttachments(ctx, config)
  config.updated_at = ctx.now()
  ctx.db.reloads++
  if (wasEnabled !== config.enabled) logConfigActivity(ctx, config, config.enabled ? 'enabled' : 'disabled', [])
  else if (values) logConfigActivity(ctx, config, 'config_updated', [])
}

function applyAttachments(ctx: Context, config: PluginConfig): void {
  for (const [name, file] of ctx.body.files) {
    const key = /^add_attachment\[(.+)\]$/.exec(name)?.[1]
    if (!key) continue
    const existing = [...ctx.db.attachments.values()].find((a) => a.plugin_config === config.id && a.key === key)
    const values = { content_type: file.type, file_name: file.name, file_size: file.bytes.length, contents: file.bytes }
    if (existing) Object.assign(existing, values)
    else {
      const id = ctx.db.nextId('attachment')
      ctx.db.attachments.set(id, { id, plugin_config: config.id, key, ...values })
    }
  }
  const removals = ctx.body.form ? [...ctx.body.form.keys()] : Object.keys(ctx.body.json ?? {})
  for (const name of removals) {
    const key = /^remove_attachment\[(.+)\]$/.exec(name)?.[1]
    if (!key) continue
    for (const a of [...ctx.db.attachments.values()]) if (a.plugin_config === config.id && a.key === key) ctx.db.attachments.delete(a.id)
  }
}

function logConfigActivity(ctx: Context, config: PluginConfig, activity: string, changes: unknown[]): void {
  const plugin = ctx.db.plugins.get(config.plugin)!
  const detail: Record<string, unknown> = { name: plugin.name, changes, short_id: null }
  detail[ctx.flavor === 'ph-2022' ? 'merge' : 'trigger'] = null
  const team = ctx.db.teams.find((t) => t.id === config.team_id)!
  ctx.db.activity.push({ user: { first_name: ctx.user.first_name, email: ctx.user.email }, activity, created_at: ctx.now(), scope: 'PluginConfig', item_id: String(config.id), detail, organization_id: team.organization, team_id: team.id })
}

function rearrange(ctx: Context, configs: PluginConfig[]): Reply {
  const orders = (ctx.body.json?.orders ?? {}) as Record<string, unknown>
  for (const [key, order] of Object.entries(orders)) {
    // PH-2022/2023 key the orders by plugin id; late PostHog by plugin config id.
    const config = configs.find((c) => c.enabled && (ctx.flavor === 'late' ? c.id : c.plugin) === Number(key))
    if (config && config.order !== Number(order)) {
      config.order = Number(order)
      ctx.db.reloads++
    }
  }
  return { status: 200, body: configs.filter((c) => c.enabled).map((c) => serializePluginConfig(ctx.db, c, ctx.flavor)) }
}

function triggerJob(ctx: Context, config: PluginConfig): Reply {
  const job = (ctx.body.json?.job ?? {}) as { type?: string; payload?: Record<string, unknown>; operation?: string }
  if (!job.type) throw validation('The job type must be specified!')
  const payload = { ...(job.payload ?? {}), $operation: job.operation ?? 'start' }
  // Python's json.dumps spacing, as in the upstream assertion on the SQL parameters.
  const params = `{"type": ${JSON.stringify(job.type)}, "payload": ${pyJson(payload)}, "pluginConfigId": ${config.id}, "pluginConfigTeam": ${config.team_id}}`
  ctx.db.jobs.push({ sql: "SELECT graphile_worker.add_job('pluginJob', %s)", params: [params] })
  return { status: 200, text: { type: 'application/json', content: '' } }
}

function pyJson(value: unknown): string {
  if (value && typeof value === 'object' && !Array.isArray(value)) return `{${Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}: ${pyJson(v)}`).join(', ')}}`
  if (Array.isArray(value)) return `[${value.map(pyJson).join(', ')}]`
  return JSON.stringify(value)
}

function frontend(ctx: Context, config: PluginConfig): Reply {
  const file = ctx.db.sourceFiles.get(config.plugin)?.get('frontend.tsx')
  const content = !file
    ? 'export function getFrontendApp () { return {"no_frontend": true} }'
    : file.status === 'TRANSPILED' && file.transpiled
      ? file.transpiled
      : file.status === 'ERROR'
        ? `export function getFrontendApp () { return {"error": ${JSON.stringify(file.error ?? 'Error')}} }`
        : 'export function getFrontendApp () { return {"transpiling": true} }'
  return { status: 200, text: { type: 'application/javascript', content } }
}

function logs(ctx: Context, config: PluginConfig): Reply {
  const query = ctx.url.searchParams
  const limitText = query.get('limit')
  if (limitText !== null && !/^\d+$/.test(limitText)) throw validation('Query param limit must be omitted or an integer!')
  const after = query.get('after')
  const before = query.get('before')
  const search = query.get('search')?.toLowerCase()
  const types = query.getAll('type_filter')
  let entries: LogEntry[] = ctx.db.logs.filter((l) => l.plugin_config_id === config.id)
  if (after) entries = entries.filter((l) => Date.parse(l.timestamp) > Date.parse(after))
  if (before) entries = entries.filter((l) => Date.parse(l.timestamp) < Date.parse(before))
  if (search) entries = entries.filter((l) => l.message.toLowerCase().includes(search))
  if (types.length) entries = entries.filter((l) => types.includes(l.type))
  entries = entries.slice().sort((a, b) => Date.parse(b.timestamp) - Date.parse(a.timestamp))
  if (limitText !== null) entries = entries.slice(0, Number(limitText))
  return { status: 200, body: { count: entries.length, next: null, previous: null, results: entries } }
}
