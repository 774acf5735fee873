// Registry URL and token handling for npm-registry-fetch: the token is passed in memory under the
// registry's own `//host/path/:_authToken` key (what an .npmrc would say), never written anywhere.
import npmFetch from 'npm-registry-fetch'

export const NPMJS_REGISTRY = 'https://registry.npmjs.org/'

export function normalizeRegistry(url: string | undefined): string {
  const raw = (url ?? '').trim() || NPMJS_REGISTRY
  let parsed: URL
  try {
    parsed = new URL(raw)
  } catch {
    throw new Error(`The registry URL "${raw.slice(0, 200)}" is not a URL (expected e.g. ${NPMJS_REGISTRY})`)
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new Error(`The registry URL must start with https:// or http:// (got ${parsed.protocol})`)
  parsed.search = ''
  parsed.hash = ''
  if (!parsed.pathname.endsWith('/')) parsed.pathname += '/'
  return parsed.toString()
}

/** npm's "nerf dart": the registry URL without protocol, the key its auth settings live under. */
export function nerfDart(registry: string): string {
  const url = new URL(registry)
  return `//${url.host}${url.pathname}`
}

export function registryOptions(registry: string, token: string | null): Record<string, unknown> {
  const options: Record<string, unknown> = {
    registry,
    // No retries: a failure should be reported at once, and a publish PUT must not be repeated.
    retry: { retries: 0 },
    timeout: 60_000,
    // No on-disk HTTP cache: reads must see the registry as it is now.
    preferOnline: true,
  }
  if (token) options[`${nerfDart(registry)}:_authToken`] = token
  return options
}

/** The versions already on the registry, or an empty list when the package does not exist yet. */
export async function publishedVersions(registry: string, name: string, token: string | null): Promise<string[]> {
  try {
    const doc = await npmFetch.json(`/${name.replace('/', '%2f')}`, {
      ...registryOptions(registry, token),
      headers: { accept: 'application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8' },
    })
    return Object.keys((doc.versions as Record<string, unknown> | undefined) ?? {})
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return []
    throw error
  }
}
