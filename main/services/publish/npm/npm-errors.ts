// What went wrong with a publish, in plain words. Library errors carry codes like E401 or
// ECONNREFUSED; their messages can include URLs, so the original text is never shown unredacted.
import { redact } from '../../secrets/secret-store.ts'

export type NpmFailure = 'unauthorized' | 'forbidden' | 'version-exists' | 'otp-required' | 'not-found' | 'network' | 'private' | 'other'

export class NpmPublishError extends Error {
  override name = 'NpmPublishError'
  readonly failure: NpmFailure
  /** True when the registry may have received the package (only for unexpected failures). */
  readonly maybePublished: boolean
  constructor(failure: NpmFailure, message: string, maybePublished = false) {
    super(message)
    this.failure = failure
    this.maybePublished = maybePublished
  }
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'ERR_SOCKET_TIMEOUT', 'FETCH_ERROR', 'ERR_TLS_CERT_ALTNAME_INVALID', 'CERT_HAS_EXPIRED', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN'])

export function npmPublishError(error: unknown, context: { registry: string; name: string; version: string; token: string | null }): NpmPublishError {
  const e = error as { code?: string; statusCode?: number; errno?: string; type?: string; message?: string; body?: unknown }
  const text = String(e?.message ?? error)
  const body = typeof e.body === 'string' ? e.body : e.body ? JSON.stringify(e.body) : ''
  const what = `${context.name}@${context.version}`
  const status = e.statusCode ?? (/^E(\d{3})$/.exec(e.code ?? '') ? Number(e.code!.slice(1)) : undefined)

  if (status === 409 || /cannot publish over|previously published|already (been )?published|already present|EPUBLISHCONFLICT/i.test(`${text} ${body}`)) {
    return new NpmPublishError('version-exists', `Version ${context.version} of ${context.name} is already on ${context.registry}; a published version cannot be replaced. Bump the version (patch, minor or major) and publish again. Nothing was published.`)
  }
  if (e.code === 'EOTP' || (status === 401 && /one-time pass/i.test(text))) {
    return new NpmPublishError('otp-required', `${context.registry} asks for a one-time password (two-factor authentication) to publish. Use a granular access token that is allowed to publish without 2FA. Nothing was published.`)
  }
  if (status === 401) {
    return new NpmPublishError('unauthorized', `${context.registry} rejected the token (401 Unauthorized): it is wrong, expired or revoked. Sign in again with a valid token for this registry. Nothing was published.`)
  }
  if (status === 403) {
    return new NpmPublishError('forbidden', `${context.registry} refused to publish ${what} (403 Forbidden): the token is valid but lacks the right to publish this package — a read-only token, a name or scope owned by someone else, or the registry requires two-factor authentication. Nothing was published.`)
  }
  if (status === 404) {
    return new NpmPublishError('not-found', `${context.registry} answered 404 for ${context.name}: the registry URL is wrong or the token has no access to this scope. Nothing was published.`)
  }
  if (e.code === 'EPRIVATE') {
    return new NpmPublishError('private', `package.json has "private": true, so npm refuses to publish ${context.name}. Remove that line to publish. Nothing was published.`)
  }
  const code = e.code ?? e.errno
  if ((code && NETWORK_CODES.has(code)) || e.type === 'system' || /fetch failed|socket hang up|network/i.test(text)) {
    return new NpmPublishError('network', `Could not reach ${context.registry} (${code ?? 'network error'}). Check the registry URL and your connection. Nothing was published.`)
  }
  const detail = redact(text, [context.token]).split('\n')[0].slice(0, 300)
  return new NpmPublishError('other', `Publishing ${what} to ${context.registry} failed${status ? ` (HTTP ${status})` : ''}: ${detail}. Check the registry before retrying: it may or may not have received the package.`, true)
}
