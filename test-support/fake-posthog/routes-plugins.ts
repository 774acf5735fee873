// /api/organizations/{org}/plugins/ — PluginViewSet (reference §4.2) with its permission stack.
import type { Context } from './context.ts'
import { canGloballyManage, canInstall, canView, requireScope, routeOrganization, SAFE_METHODS } from './context.ts'
import { ApiError, field, notFound, parseBool, permissionDenied, serverError, validation } from './http.ts'
import { paginated, serializePlugin, type Organization, type Plugin, type SourceFile } from './state.ts'

export interface Archive {
  /** Files at the archive's first top-level folder. */
  files: Record<string, string>
  tag: string
}

const INSUFFICIENT = "Your organization's plugin access level is insufficient."

export type Reply = { status: number; body?: unknown; text?: { type: string; content: string } }

export function pluginRoutes(ctx: Context, parts: string[], archives: Map<string, Archive>): Reply {
  // parts: [orgSegment, 'plugins', id?, action?]
  requireScope(ctx, 'plugin')
  const org = routeOrganization(ctx, parts[0])
  // PluginsAccessLevelPermission: safe methods need CONFIG, anything else INSTALL.
  const needed = SAFE_METHODS.has(ctx.method) ? 3 : 6
  if (org.plugins_access_level < needed) throw permissionDenied(INSUFFICIENT)
  const [, , id, action] = parts

  if (id === undefined) {
    if (ctx.method === 'GET') return { status: 200, body: paginated(visiblePlugins(ctx, org, 'list').map((p) => serializePlugin(ctx.db, p, ctx.flavor)), ctx.url, ctx.baseUrl) }
    if (ctx.method === 'POST') return createPlugin(ctx, org, archives)
    throw methodNotAllowed(ctx)
  }
  if (id === 'repository' && ctx.method === 'GET') {
    return { status: 200, body: [...archives.entries()].map(([url, a]) => ({ name: JSON.parse(a.files['plugin.json']).name, url, description: JSON.parse(a.files['plugin.json']).description ?? '', icon: null, verified: true, maintainer: 'community' })) }
  }
  if (id === 'activity' && ctx.method === 'GET') {
    const results = ctx.db.activity.filter((a) => a.organization_id === org.id).slice().reverse().map(({ organization_id: _o, team_id: _t, ...rest }) => rest)
    return { status: 200, body: { results, next: null, previous: null, total_count: results.length } }
  }
  if (!/^\d+$/.test(id)) throw notFound()
  const plugin = visiblePlugins(ctx, org, 'object').find((p) => p.id === Number(id))
  if (!plugin) throw notFound()

  if (action === undefined) {
    if (ctx.method === 'GET') return { status: 200, body: serializePlugin(ctx.db, plugin, ctx.flavor) }
    if (ctx.method === 'PATCH' || ctx.method === 'PUT') return patchPlugin(ctx, org, plugin)
    if (ctx.method === 'DELETE') return deletePlugin(ctx, org, plugin)
    throw methodNotAllowed(ctx)
  }
  if (action === 'source' && ctx.method === 'GET') return { status: 200, body: sourceMap(ctx, pluginForSourceEditing(ctx, org, plugin)) }
  if (action === 'update_source' && ctx.method === 'PATCH') return updateSource(ctx, pluginForSourceEditing(ctx, org, plugin))
  if (action === 'upgrade' && ctx.method === 'POST') {
    if (!canInstall(org)) throw permissionDenied('Plugin upgrading is not available for the current organization!')
    if (plugin.plugin_type !== 'source' && plugin.plugin_type !== 'local' && plugin.url) {
      const archive = findArchive(plugin.url, archives)
      if (archive) syncFromArchive(ctx, plugin, archive)
      plugin.updated_at = ctx.now()
      ctx.db.reloads++
    }
    return { status: 200, body: serializePlugin(ctx.db, plugin, ctx.flavor) }
  }
  if (action === 'check_for_updates' && ctx.method === 'GET') {
    // parse_url(None) fails for source plugins: an unhandled exception (reference §4.2, inference).
    const archive = plugin.url ? findArchive(plugin.url, archives) : null
    if (!archive) throw serverError()
    plugin.latest_tag = archive.tag
    plugin.latest_tag_checked_at = ctx.now()
    return { status: 200, body: { plugin: serializePlugin(ctx.db, plugin, ctx.flavor) } }
  }
  throw notFound()
}

function methodNotAllowed(ctx: Context): ApiError {
  return new ApiError(405, 'invalid_request', 'method_not_allowed', `Method "${ctx.method}" not allowed.`)
}

/** get_queryset: list needs install or config level, other actions install; own or global plugins. */
function visiblePlugins(ctx: Context, org: Organization, kind: 'list' | 'object'): Plugin[] {
  const allowed = kind === 'list' ? canView(org) && org.plugins_access_level >= 3 : canInstall(org)
  if (!allowed) return []
  return [...ctx.db.plugins.values()].filter((p) => p.organization_id === org.id || p.is_global).sort((a, b) => a.id - b.id)
}

function pluginForSourceEditing(ctx: Context, org: Organization, plugin: Plugin): Plugin {
  if (plugin.organization_id !== org.id) throw notFound()
  if (!canInstall(org)) throw permissionDenied('Plugin source editing is not available for the current organization!')
  return plugin
}

function logActivity(ctx: Context, org: Organization, activity: string, plugin: Plugin): void {
  const detail: Record<string, unknown> = { name: plugin.name, changes: null, short_id: null }
  detail[ctx.flavor === 'ph-2022' ? 'merge' : 'trigger'] = null
  ctx.db.activity.push({ user: { first_name: ctx.user.first_name, email: ctx.user.email }, activity, created_at: ctx.now(), scope: 'Plugin', item_id: String(plugin.id), detail, organization_id: org.id, team_id: null })
}

function createPlugin(ctx: Context, org: Organization, archives: Map<string, Archive>): Reply {
  const isGlobal = field(ctx.body, 'is_global') === undefined ? false : parseBool(field(ctx.body, 'is_global'), 'is_global')
  if (isGlobal && !canGloballyManage(org)) throw permissionDenied("This organization can't manage global plugins!")
  const pluginType = field(ctx.body, 'plugin_type')
  const base: Plugin = {
    id: 0,
    plugin_type: 'source',
    name: '',
    description: null,
    url: null,
    config_schema: {},
    tag: null,
    latest_tag: null,
    latest_tag_checked_at: null,
    is_global: isGlobal,
    organization_id: org.id,
    capabilities: {},
    metrics: {},
    public_jobs: {},
    icon: null,
    updated_at: ctx.now(),
  }
  if (pluginType === 'source') {
    const name = field(ctx.body, 'name')
    if (typeof name !== 'string' || !name) throw validation('This field is required.', 'name', 'required')
    const plugin = { ...base, id: ctx.db.nextId('plugin'), name }
    ctx.db.plugins.set(plugin.id, plugin)
    // PH-2022 reloads on every Plugin save; PH-2023 skips the reload when a plugin is created.
    if (ctx.flavor === 'ph-2022') ctx.db.reloads++
    logActivity(ctx, org, 'installed', plugin)
    return { status: 201, body: serializePlugin(ctx.db, plugin, ctx.flavor) }
  }
  const url = field(ctx.body, 'url')
  // A missing url without plugin_type source: None.startswith → 500 (reference §4.2, inference).
  if (typeof url !== 'string' || !url) throw serverError()
  const withoutToken = url.replace(/\?private_token=.*$/, '')
  const duplicate = [...ctx.db.plugins.values()].some((p) => p.url && p.url.replace(/\?private_token=.*$/, '') === withoutToken && (ctx.flavor === 'late' || p.organization_id === org.id))
  if (duplicate) throw validation(`Plugin from URL "${withoutToken}" already installed!`)
  const archive = findArchive(url, archives)
  if (!archive) throw serverError()
  const plugin: Plugin = { ...base, id: ctx.db.nextId('plugin'), plugin_type: pluginType === 'repository' ? 'repository' : 'custom', url }
  syncFromArchive(ctx, plugin, archive, /\/commit\/([0-9a-f]+)/.exec(url)?.[1])
  ctx.db.plugins.set(plugin.id, plugin)
  ctx.db.reloads++
  logActivity(ctx, org, 'installed', plugin)
  return { status: 201, body: serializePlugin(ctx.db, plugin, ctx.flavor) }
}

/** github.com/<u>/<r>, gitlab.com/<path> or the npm package page, without ref or token. */
function repoBase(url: string): string {
  const clean = url.replace(/\?private_token=.*$/, '')
  const github = /^(https:\/\/github\.com\/[^/]+\/[^/]+)/.exec(clean)
  if (github) return github[1]
  const gitlab = /^(https:\/\/gitlab\.com\/.+?)(?:\/-\/tree\/.*)?$/.exec(clean)
  if (gitlab) return gitlab[1]
  const npm = /^(https:\/\/www\.npmjs\.com\/package\/(?:@[^/]+\/)?[^/]+)/.exec(clean)
  return npm ? npm[1] : clean
}

function findArchive(url: string, archives: Map<string, Archive>): Archive | null {
  return archives.get(repoBase(url)) ?? null
}

function syncFromArchive(ctx: Context, plugin: Plugin, archive: Archive, tag?: string): void {
  const json = JSON.parse(archive.files['plugin.json']) as Record<string, unknown>
  plugin.name = String(json.name)
  plugin.description = typeof json.description === 'string' ? json.description : ''
  plugin.config_schema = json.config ?? []
  plugin.public_jobs = (json.publicJobs as Record<string, unknown>) ?? {}
  plugin.tag = tag ?? archive.tag
  const files = new Map<string, SourceFile>()
  const index = archive.files[String(json.main ?? '')] ?? archive.files['index.js'] ?? archive.files['index.ts']
  files.set('plugin.json', { filename: 'plugin.json', source: archive.files['plugin.json'], status: null, transpiled: null, error: null })
  // The archive's entry is always stored as index.ts (find_index_ts_in_archive).
  if (index !== undefined) files.set('index.ts', { filename: 'index.ts', source: index, status: null, transpiled: null, error: null })
  ctx.db.sourceFiles.set(plugin.id, files)
}

function patchPlugin(ctx: Context, org: Organization, plugin: Plugin): Reply {
  if (plugin.organization_id !== org.id) throw permissionDenied('This plugin installation is managed by another organization.')
  const isGlobal = field(ctx.body, 'is_global')
  if (isGlobal !== undefined) {
    if (!canGloballyManage(org)) throw permissionDenied("This organization can't manage global plugins!")
    plugin.is_global = parseBool(isGlobal, 'is_global')
  }
  for (const key of ['name', 'description', 'icon'] as const) {
    const value = field(ctx.body, key)
    if (typeof value === 'string') plugin[key] = value
  }
  plugin.updated_at = ctx.now()
  ctx.db.reloads++
  return { status: 200, body: serializePlugin(ctx.db, plugin, ctx.flavor) }
}

function deletePlugin(ctx: Context, org: Organization, plugin: Plugin): Reply {
  if (plugin.organization_id !== org.id) throw permissionDenied('This plugin installation is managed by another organization.')
  if (plugin.is_global) throw validation('This plugin is marked as global! Make it local before uninstallation')
  ctx.db.plugins.delete(plugin.id)
  ctx.db.sourceFiles.delete(plugin.id)
  for (const config of [...ctx.db.pluginConfigs.values()]) {
    if (config.plugin !== plugin.id) continue
    ctx.db.pluginConfigs.delete(config.id)
    for (const a of [...ctx.db.attachments.values()]) if (a.plugin_config === config.id) ctx.db.attachments.delete(a.id)
  }
  ctx.db.reloads++
  logActivity(ctx, org, 'uninstalled', plugin)
  return { status: 204 }
}

function sourceMap(ctx: Context, plugin: Plugin): Record<string, string> {
  const map: Record<string, string> = {}
  for (const file of ctx.db.sourceFiles.get(plugin.id)?.values() ?? []) map[file.filename] = file.source
  return map
}

/** PATCH update_source (reference §4.2): upsert, reset transpilation on change, null deletes. */
function updateSource(ctx: Context, plugin: Plugin): Reply {
  const incoming: Record<string, unknown> = ctx.body.json ?? Object.fromEntries(ctx.body.form ?? [])
  const files = ctx.db.sourceFiles.get(plugin.id) ?? new Map<string, SourceFile>()
  ctx.db.sourceFiles.set(plugin.id, files)
  let changed = false
  for (const [filename, value] of Object.entries(incoming)) {
    if (filename.length > 200) throw validation('Ensure this field has no more than 200 characters.', 'filename', 'max_length')
    const existing = files.get(filename)
    if (value === null) {
      if (existing) {
        files.delete(filename)
        changed = true
      }
      continue
    }
    const source = typeof value === 'string' ? value : JSON.stringify(value)
    if (!existing) {
      files.set(filename, { filename, source, status: null, transpiled: null, error: null })
      changed = true
    } else if (existing.source !== source) {
      Object.assign(existing, { source, status: null, transpiled: null, error: null })
      changed = true
    }
    if (filename === 'plugin.json') {
      let json: Record<string, unknown>
      try {
        json = JSON.parse(source)
      } catch {
        // json.loads raises and nothing handles it (reference §4.2, inference).
        throw serverError()
      }
      if (typeof json.name === 'string' && json.name !== plugin.name) plugin.name = json.name
      if (json.config !== undefined && JSON.stringify(json.config) !== JSON.stringify(plugin.config_schema)) plugin.config_schema = json.config
    }
  }
  if (changed) {
    plugin.updated_at = ctx.now()
    ctx.db.reloads++
  }
  return { status: 200, body: sourceMap(ctx, plugin) }
}
