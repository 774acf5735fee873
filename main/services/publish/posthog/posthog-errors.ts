// Every answer PostHog can give a publisher, in plain words (reference §4.1: drf-exceptions-hog
// bodies `{type, code, detail, attr}`). The API key never appears in these messages.

export type PostHogFailure =
  | 'network'
  | 'not-posthog'
  | 'unauthorized'
  | 'access-level'
  | 'scope'
  | 'forbidden'
  | 'plugins-unsupported'
  | 'validation'
  | 'not-found'
  | 'server'
  | 'project'

export const PLUGIN_CREATION_REFUSED_PREFIX = 'Plugin creation is no longer possible'
export const ACCESS_LEVEL_NAMES: Record<number, string> = { 0: 'None', 3: 'Config', 6: 'Install', 9: 'Root' }

export class PostHogPublishError extends Error {
  override name = 'PostHogPublishError'
  readonly failure: PostHogFailure
  readonly status: number | null
  /** The form field PostHog named (`attr`), for showing the message next to it. */
  readonly attr: string | null
  /** PostHog's own words, when it gave any. */
  readonly detail: string | null
  constructor(failure: PostHogFailure, message: string, extra: { status?: number | null; attr?: string | null; detail?: string | null } = {}) {
    super(message)
    this.failure = failure
    this.status = extra.status ?? null
    this.attr = extra.attr ?? null
    this.detail = extra.detail ?? null
  }
}

export interface ErrorBody {
  type?: string
  code?: string
  detail?: string
  attr?: string | null
}

/** Maps one failed HTTP answer to its message. `doing` says what was being attempted. */
export function httpFailure(host: string, status: number, body: ErrorBody | null, doing: string): PostHogPublishError {
  const detail = typeof body?.detail === 'string' ? body.detail : null
  const extra = { status, attr: body?.attr ?? null, detail }
  if (!body || !body.type) {
    return new PostHogPublishError('not-posthog', `${host} did not answer like a PostHog instance while ${doing} (HTTP ${status}, not PostHog's API). Check the address: it should be the URL you open PostHog at, e.g. https://posthog.example.com.`, extra)
  }
  if (status === 401) {
    return new PostHogPublishError('unauthorized', `PostHog at ${host} rejected the personal API key (401: ${detail ?? 'invalid'}). The key is wrong, was deleted, or belongs to another instance. Create a personal API key in PostHog (your account settings → Personal API keys) and sign in again.`, extra)
  }
  if (status === 403 && detail && /scope/i.test(detail)) {
    return new PostHogPublishError('scope', `The personal API key may not do this on ${host} (${detail}). Create a key with the plugin:read and plugin:write scopes.`, extra)
  }
  if (status === 403 && detail && /access level|not available for the current organization|installation via the web is disabled/i.test(detail)) {
    return accessLevelError(host, null, extra)
  }
  if (status === 403) {
    return new PostHogPublishError('forbidden', `PostHog at ${host} refused ${doing} (403: ${detail ?? 'permission denied'}).`, extra)
  }
  if (status === 400 && detail?.startsWith(PLUGIN_CREATION_REFUSED_PREFIX)) {
    return new PostHogPublishError('plugins-unsupported', `This PostHog instance (${host}) does not support plugins any more: it refused to install the plugin in the project ("${detail}"). Newer PostHog runs Hog functions instead of plugins, so this plugin cannot run there.`, extra)
  }
  if (status === 400 && detail === 'Plugin configuration is not available for the current organization!') {
    return accessLevelError(host, null, extra)
  }
  if (status === 400) {
    const field = body.attr ? ` (field "${body.attr}")` : ''
    return new PostHogPublishError('validation', `PostHog rejected ${doing}${field}: ${detail ?? 'invalid data'}`, extra)
  }
  if (status === 404) {
    return new PostHogPublishError('not-found', `PostHog at ${host} answered "not found" while ${doing}: the project or plugin does not exist, or this key's organization cannot see it.`, extra)
  }
  return new PostHogPublishError('server', `PostHog at ${host} failed while ${doing} (HTTP ${status}: ${detail ?? 'server error'}). Try again; if it persists, check the instance's logs.`, extra)
}

export function accessLevelError(host: string, level: number | null, extra: { status?: number | null; detail?: string | null } = {}): PostHogPublishError {
  const current = level === null ? '' : ` It is "${ACCESS_LEVEL_NAMES[level] ?? level}" now.`
  return new PostHogPublishError(
    'access-level',
    `Your organization on ${host} may not install plugins: its plugin access level is too low.${current} Installing a plugin needs "Install" (6) or "Root" (9); an instance admin can raise it (Organization.plugins_access_level).`,
    extra,
  )
}

export function networkFailure(host: string, error: unknown, doing: string): PostHogPublishError {
  const cause = (error as { cause?: { code?: string } })?.cause
  const code = cause?.code ?? (error as { code?: string })?.code ?? ((error as Error)?.name === 'TimeoutError' ? 'timed out' : 'network error')
  return new PostHogPublishError('network', `Could not reach PostHog at ${host} while ${doing} (${code}). Check the address and your connection.`)
}
