// Where tokens live: the OS keychain, or (only when the user accepts it after being told there is
// no keychain) this session's memory. Never a file: no plaintext fallback exists in this module.

/** What a secret is for: an npm registry, a PostHog host, or a plugin's secret config field. */
export type SecretKind = 'npm' | 'posthog' | 'plugin-config'

export interface SecretAccount {
  kind: SecretKind
  /**
   * Registry URL or PostHog host (normalised by `accountName`); for 'plugin-config' an opaque
   * id chosen by the config service, e.g. `<workspace>/<plugin>#<field key>`.
   */
  target: string
}

export interface SecretStore {
  /** 'keychain' keeps tokens across restarts; 'session' forgets them when the app quits. */
  readonly kind: 'keychain' | 'session'
  /** True when the store can hold a secret right now (an unlocked keychain answers). */
  available(): Promise<boolean>
  get(account: SecretAccount): Promise<string | null>
  set(account: SecretAccount, secret: string): Promise<void>
  /** "Sign out": true when there was something to delete. */
  delete(account: SecretAccount): Promise<boolean>
}

/** One keychain service name for the app; accounts say what the token is for. */
export const KEYCHAIN_SERVICE = 'plugin-studio'

/**
 * `npm:registry.npmjs.org/` or `posthog:https://ph.example.com`: the same registry or host typed
 * with or without a trailing slash (or in another case) finds the same token.
 */
export function accountName(account: SecretAccount): string {
  const raw = account.target.trim()
  if (account.kind === 'plugin-config') {
    if (!raw) throw new Error('A plugin config secret needs a non-empty id')
    return `plugin-config:${raw}`
  }
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw new Error(`Not a URL: ${JSON.stringify(raw.slice(0, 200))}`)
  }
  if (account.kind === 'npm') {
    const path = url.pathname.endsWith('/') ? url.pathname : `${url.pathname}/`
    return `npm:${url.host}${path}`
  }
  const path = url.pathname.replace(/\/+$/, '')
  return `posthog:${url.protocol}//${url.host}${path}`
}

/** For the UI: enough to recognise a token, never enough to use it. */
export function mask(secret: string | null | undefined): string {
  if (!secret) return ''
  if (secret.length <= 8) return '•'.repeat(8)
  const prefix = /^(phx_|npm_)/.exec(secret)?.[0] ?? ''
  return `${prefix}••••••••${secret.slice(-4)}`
}

/** CI: tokens may come from the environment instead of the keychain (DESIGN.md §5). */
export function secretFromEnvironment(kind: SecretKind, env: NodeJS.ProcessEnv = process.env): string | null {
  if (kind === 'plugin-config') return null
  const value = kind === 'npm' ? env.NPM_TOKEN : env.POSTHOG_PERSONAL_API_KEY
  return value && value.trim() ? value.trim() : null
}

/**
 * Replaces every occurrence of the given secrets in a text (error messages from libraries can
 * echo request headers or URLs).
 */
export function redact(text: string, secrets: (string | null | undefined)[]): string {
  let out = text
  for (const secret of secrets) {
    if (secret && secret.length >= 4) out = out.split(secret).join(mask(secret))
  }
  return out
}
