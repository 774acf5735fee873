// A small client for the plugin endpoints of a self-hosted PostHog (reference §4): personal API
// key as a Bearer header, JSON for plugins and update_source, multipart for plugin configs.
import { httpFailure, networkFailure, type ErrorBody } from './posthog-errors.ts'

export interface PostHogOrganization {
  id: string
  name: string
  plugins_access_level: number
  teams?: PostHogProject[]
}
export interface PostHogProject {
  id: number
  name: string
}
export interface PostHogMe {
  email?: string
  organization: PostHogOrganization
  team: PostHogProject | null
}
export interface PostHogPlugin {
  id: number
  plugin_type: string
  name: string
  organization_id: string
  is_global?: boolean
}
export interface PostHogPluginConfig {
  id: number
  plugin: number
  enabled: boolean
  order: number
  config: Record<string, unknown>
}

export interface AttachmentUpload {
  fileName: string
  contentType: string
  bytes: Uint8Array
}

export function normalizeHost(host: string): string {
  const raw = host.trim()
  let url: URL
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `https://${raw}`)
  } catch {
    throw new Error(`"${raw.slice(0, 200)}" is not a PostHog address (expected e.g. https://posthog.example.com)`)
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error(`The PostHog address must start with https:// or http:// (got ${url.protocol})`)
  return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`
}

export class PostHogClient {
  readonly host: string
  readonly #apiKey: string
  readonly #timeoutMs: number

  constructor(options: { host: string; apiKey: string; timeoutMs?: number }) {
    this.host = normalizeHost(options.host)
    this.#apiKey = options.apiKey
    this.#timeoutMs = options.timeoutMs ?? 30_000
  }

  async #request<T>(method: string, path: string, doing: string, body?: { json?: unknown; form?: FormData }): Promise<T> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.#apiKey}`, accept: 'application/json' }
    let payload: string | FormData | undefined
    if (body?.json !== undefined) {
      headers['content-type'] = 'application/json'
      payload = JSON.stringify(body.json)
    } else if (body?.form) payload = body.form
    let response: Response
    try {
      response = await fetch(`${this.host}${path}`, { method, headers, body: payload, signal: AbortSignal.timeout(this.#timeoutMs), redirect: 'error' })
    } catch (error) {
      throw networkFailure(this.host, error, doing)
    }
    const text = await response.text().catch(() => '')
    let parsed: unknown = null
    const isJson = (response.headers.get('content-type') ?? '').includes('json')
    if (isJson && text) {
      try {
        parsed = JSON.parse(text)
      } catch {}
    }
    if (!response.ok) throw httpFailure(this.host, response.status, isJson ? (parsed as ErrorBody) : null, doing)
    if (response.status !== 204 && text && !isJson) throw httpFailure(this.host, response.status, null, doing)
    return parsed as T
  }

  me(): Promise<PostHogMe> {
    return this.#request('GET', '/api/users/@me/', 'signing in')
  }

  async #all<T>(path: string, doing: string): Promise<T[]> {
    const items: T[] = []
    let next: string | null = path
    while (next) {
      const page: { results: T[]; next: string | null } = await this.#request('GET', next, doing)
      items.push(...page.results)
      // `next` is absolute; keep requests on the host the user gave.
      next = page.next ? new URL(page.next).pathname + new URL(page.next).search : null
    }
    return items
  }

  listPlugins(): Promise<PostHogPlugin[]> {
    return this.#all('/api/organizations/@current/plugins/', 'listing the installed plugins')
  }

  createSourcePlugin(name: string): Promise<PostHogPlugin> {
    return this.#request('POST', '/api/organizations/@current/plugins/', 'creating the plugin', { json: { plugin_type: 'source', name } })
  }

  /** `null` deletes a file. Answers with every file of the plugin after the update. */
  updateSource(pluginId: number, files: Record<string, string | null>): Promise<Record<string, string>> {
    return this.#request('PATCH', `/api/organizations/@current/plugins/${pluginId}/update_source`, 'uploading the plugin source', { json: files })
  }

  listPluginConfigs(projectId: number): Promise<PostHogPluginConfig[]> {
    return this.#all(`/api/projects/${projectId}/plugin_configs/`, "reading the project's plugins")
  }

  createPluginConfig(projectId: number, fields: { plugin: number; enabled: boolean; order: number; config: Record<string, string>; attachments: Record<string, AttachmentUpload> }): Promise<PostHogPluginConfig> {
    const form = configForm(fields)
    form.append('plugin', String(fields.plugin))
    form.append('order', String(fields.order))
    return this.#request('POST', `/api/projects/${projectId}/plugin_configs/`, 'installing the plugin in the project', { form })
  }

  updatePluginConfig(projectId: number, configId: number, fields: { enabled: boolean; config: Record<string, string>; attachments: Record<string, AttachmentUpload> }): Promise<PostHogPluginConfig> {
    return this.#request('PATCH', `/api/projects/${projectId}/plugin_configs/${configId}/`, "updating the plugin's configuration", { form: configForm(fields) })
  }
}

/** PostHog reads `config` only from form data, as a JSON string (reference §4.3). */
function configForm(fields: { enabled: boolean; config: Record<string, string>; attachments: Record<string, AttachmentUpload> }): FormData {
  const form = new FormData()
  form.append('enabled', fields.enabled ? 'true' : 'false')
  form.append('config', JSON.stringify(fields.config))
  for (const [key, file] of Object.entries(fields.attachments)) {
    form.append(`add_attachment[${key}]`, new File([file.bytes as Uint8Array<ArrayBuffer>], file.fileName, { type: file.contentType }))
  }
  return form
}
