// Publishing onto a self-hosted PostHog (reference §4.4): sign in, find the source plugin of this
// name or create it, upload its files with update_source, then create or update the project's
// plugin config with the form's values. A failure halfway says what was and was not changed.
import { readFileSync } from 'node:fs'
import { basename, extname } from 'node:path'
import { defaultConfig, type ConfigField } from '../../../../common/plugin/plugin-json.ts'
import type { PostHogPublishResult } from '../../../../common/protocol/publish.ts'
import { PostHogClient, type AttachmentUpload, type PostHogMe, type PostHogProject } from './posthog-client.ts'
import { accessLevelError, PostHogPublishError } from './posthog-errors.ts'
import { readSourceUpload } from './source-files.ts'

const INSTALL_LEVEL = 6

export interface PostHogConnection {
  host: string
  organization: { id: string; name: string; pluginsAccessLevel: number }
  /** Projects (teams) of the key's current organization. */
  projects: PostHogProject[]
  currentProjectId: number | null
  /** False when the organization's plugin access level does not allow installing. */
  canInstall: boolean
}

/** "Connect": checks the key and lists the projects it can see. Changes nothing. */
export async function connectPostHog(host: string, apiKey: string): Promise<PostHogConnection> {
  const client = new PostHogClient({ host, apiKey })
  return connection(client.host, await client.me())
}

function connection(host: string, me: PostHogMe): PostHogConnection {
  const org = me.organization
  const projects = org.teams?.length ? org.teams.map((t) => ({ id: t.id, name: t.name })) : me.team ? [{ id: me.team.id, name: me.team.name }] : []
  return {
    host,
    organization: { id: org.id, name: org.name, pluginsAccessLevel: org.plugins_access_level },
    projects,
    currentProjectId: me.team?.id ?? null,
    canInstall: org.plugins_access_level >= INSTALL_LEVEL,
  }
}

export interface PostHogPublishOptions {
  dir: string
  host: string
  apiKey: string
  /** Default: the key's current project. */
  projectId?: number
  /** Values from the configuration form (strings, as PostHog stores them); secrets included. */
  config?: Record<string, string>
  /** Attachment fields: a file path or the file itself. */
  attachments?: Record<string, string | AttachmentUpload>
  enabled?: boolean
  onStep?: (step: string) => void | Promise<void>
}

export type { PostHogPublishResult }

export async function publishToPostHog(options: PostHogPublishOptions): Promise<PostHogPublishResult> {
  const step = options.onStep ?? (() => {})
  const source = readSourceUpload(options.dir)
  const fields = source.plugin.config
  // Unset keys get their plugin.json default, as PostHog's form fills them in — except secrets: an
  // unset secret is left out, so PostHog keeps the value it already has.
  const config = { ...defaultConfig(fields.filter((f) => !f.secret)), ...(options.config ?? {}) }
  const attachments = readAttachments(options.attachments ?? {}, fields)
  checkRequired(fields, config, attachments)
  const enabled = options.enabled ?? true
  const client = new PostHogClient({ host: options.host, apiKey: options.apiKey })
  const changed: string[] = []
  const pending = ['create or update the plugin', 'upload its source', 'install it in the project with its configuration']

  const fail = (error: unknown): never => {
    if (!(error instanceof PostHogPublishError)) throw error
    const progress = changed.length
      ? `Already done on PostHog: ${changed.join('; ')}.${pending.length ? ` Not done: ${pending.join('; ')}.` : ''}`
      : 'Nothing was changed on PostHog.'
    const message = error.message.endsWith('Nothing was changed on PostHog.') ? error.message : `${error.message} ${progress}`
    throw new PostHogPublishError(error.failure, message, { status: error.status, attr: error.attr, detail: error.detail })
  }

  try {
    await step(`Signing in to ${client.host}`)
    const conn = connection(client.host, await client.me())
    if (!conn.canInstall) throw accessLevelError(client.host, conn.organization.pluginsAccessLevel)
    const projectId = options.projectId ?? conn.currentProjectId
    if (projectId === null || projectId === undefined) throw new PostHogPublishError('project', `The key's user has no project on ${client.host}; choose one with --project.`)
    if (conn.projects.length && !conn.projects.some((p) => p.id === projectId)) {
      throw new PostHogPublishError('project', `Project ${projectId} is not one of the projects this key can see on ${client.host} (${conn.projects.map((p) => `${p.id} "${p.name}"`).join(', ')}).`)
    }

    await step(`Looking for the plugin "${source.plugin.name}"`)
    const existing = (await client.listPlugins()).find((p) => p.plugin_type === 'source' && p.name === source.plugin.name && p.organization_id === conn.organization.id)
    const plugin = existing ?? (await step(`Creating the plugin "${source.plugin.name}"`), await client.createSourcePlugin(source.plugin.name))
    if (!existing) changed.push(`created the source plugin "${plugin.name}" (#${plugin.id})`)
    pending.shift()

    await step(`Uploading ${Object.keys(source.files).join(', ')}`)
    await client.updateSource(plugin.id, source.files)
    changed.push(`uploaded ${Object.keys(source.files).join(', ')} to plugin #${plugin.id}`)
    pending.shift()

    await step(`Configuring the plugin in project ${projectId}`)
    const configs = await client.listPluginConfigs(projectId)
    const current = configs.find((c) => c.plugin === plugin.id)
    let pluginConfig
    if (current) {
      // The config's order in the project's pipeline is kept: it is not sent.
      pluginConfig = await client.updatePluginConfig(projectId, current.id, { enabled, config, attachments })
      changed.push(`updated the plugin's configuration in project ${projectId} (config #${current.id})`)
    } else {
      // Last in the pipeline, as PostHog's own UI orders a newly enabled plugin.
      const order = configs.reduce((max, c) => Math.max(max, c.order + 1), 0)
      pluginConfig = await client.createPluginConfig(projectId, { plugin: plugin.id, enabled, order, config, attachments })
      changed.push(`installed the plugin in project ${projectId} (config #${pluginConfig.id})`)
    }
    pending.shift()
    await step('Published')
    return {
      host: client.host,
      projectId,
      plugin: { id: plugin.id, name: source.plugin.name, created: !existing },
      pluginConfig: { id: pluginConfig.id, created: !current, enabled: pluginConfig.enabled, order: pluginConfig.order },
      uploadedFiles: Object.keys(source.files),
      entry: source.entry,
      pluginUrl: `${client.host}/project/apps/${plugin.id}`,
      changed,
    }
  } catch (error) {
    return fail(error)
  }
}

const CONTENT_TYPES: Record<string, string> = { '.json': 'application/json', '.csv': 'text/csv', '.txt': 'text/plain', '.zip': 'application/zip', '.mmdb': 'application/octet-stream', '.db': 'application/octet-stream' }

function readAttachments(input: Record<string, string | AttachmentUpload>, fields: ConfigField[]): Record<string, AttachmentUpload> {
  const out: Record<string, AttachmentUpload> = {}
  for (const [key, value] of Object.entries(input)) {
    const field = fields.find((f) => f.key === key)
    if (field && field.type !== 'attachment') throw new PostHogPublishError('validation', `"${field.name ?? key}" is not an attachment field in plugin.json.`, { attr: key })
    if (typeof value !== 'string') {
      out[key] = value
      continue
    }
    try {
      out[key] = { fileName: basename(value), contentType: CONTENT_TYPES[extname(value).toLowerCase()] ?? 'application/octet-stream', bytes: readFileSync(value) }
    } catch (error) {
      throw new PostHogPublishError('validation', `The attachment for "${field?.name ?? key}" cannot be read: ${value} (${(error as NodeJS.ErrnoException).code ?? 'unreadable'}).`, { attr: key })
    }
  }
  return out
}

/** The config form's required fields, checked before anything is sent (PostHog's UI does the same). */
function checkRequired(fields: ConfigField[], config: Record<string, string>, attachments: Record<string, AttachmentUpload>): void {
  for (const field of fields) {
    if (!field.key || !field.type) continue
    const value = field.type === 'attachment' ? attachments[field.key] : (config[field.key] ?? field.default)
    const requiredIf = Array.isArray(field.required_if) && field.required_if.every(([k, v]) => (v === undefined ? !!(config[k] ?? '') : (config[k] ?? '') === v))
    if ((field.required || requiredIf) && !value) {
      throw new PostHogPublishError('validation', `"${field.name ?? field.key}" is required. Nothing was changed on PostHog.`, { attr: field.key })
    }
  }
}
