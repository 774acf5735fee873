// The host side of plugin `fetch`: which requests the workspace allows, a record of every request and
// response (with the virtual time it happened at), and a fixtures mode that answers from recorded
// responses so a debug session repeats offline. The sandbox hands a JSON request to performFetch and
// gets back a JSON response.
//
// Always refused unless named explicitly: non-http(s) schemes (file:, ftp:, …), data: URLs beyond a
// small size, loopback (127.0.0.0/8, ::1, localhost: the studio's own server), and link-local / cloud metadata addresses (169.254.0.0/16, fe80::/10, fd00:ec2::254,
// metadata.google.internal). Redirects are followed here, hop by hop, so a redirect cannot lead past
// the policy. A host name that *resolves* to such an address is not caught (no DNS pinning).
import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'

export const FETCH_MODES = ['allow', 'fixtures', 'deny'] as const
export type FetchMode = (typeof FETCH_MODES)[number]

export interface FetchPolicy {
  mode: FetchMode
  /** Host patterns: "api.example.com", "*.example.com", "127.0.0.1:8080", or "*" for any (public-use) host. */
  allowHosts: string[]
  /** Schemes allowed besides http: and https:, e.g. ["file:"] or ["data:"] for data: URLs of any size. */
  allowSchemes?: string[]
}

/** The setting people change; named in every refusal. */
export const FETCH_SETTING = 'fetch (Settings → Network: mode, allowHosts, allowSchemes)'
export const DEFAULT_FETCH_POLICY: FetchPolicy = Object.freeze({ mode: 'allow', allowHosts: ['*'] }) as FetchPolicy
/** data: URLs up to this many characters need no permission. */
export const DATA_URL_MAX_CHARS = 64 * 1024
export const FETCH_TIMEOUT_MS = 60_000
export const MAX_REDIRECTS = 20
export const BODY_PREVIEW_BYTES = 1024

const METADATA_HOSTS = new Set(['169.254.169.254', '[fd00:ec2::254]', 'metadata.google.internal', 'metadata.goog'])

/**
 * 127.0.0.0/8, ::1, localhost, 0.0.0.0 (and IPv4-mapped forms): this machine. PostHog's server would
 * reach its own network; here that is the studio itself (its server listens on 127.0.0.1), so a
 * plugin reaches it only when allowHosts names the host exactly.
 */
export function isLoopback(hostname: string): boolean {
  const host = hostname.toLowerCase()
  if (host === 'localhost' || host.endsWith('.localhost')) return true
  const v4 = ipv4Parts(host)
  if (v4) return v4[0] === 127 || (v4[0] === 0 && v4[1] === 0 && v4[2] === 0 && v4[3] === 0)
  if (!host.startsWith('[')) return false
  const v6 = host.slice(1, -1)
  if (v6 === '::1' || v6 === '::' || /^0*:0*:0*:0*:0*:0*:0*:0*1$/.test(v6)) return true
  const dotted = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(v6)
  if (dotted) return isLoopback(dotted[1])
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(v6)
  return mapped ? parseInt(mapped[1], 16) >> 8 === 127 : false
}

export interface FetchRequest {
  url: string
  method?: string
  headers?: [string, string][]
  body?: string | Uint8Array | null
  redirect?: 'follow' | 'error' | 'manual'
}

/** JSON-serialisable: crosses into the isolate and into fixture files as it is. */
export interface FetchResponseData {
  status: number
  statusText: string
  headers: [string, string][]
  bodyBase64: string
  url: string
  redirected: boolean
}

export interface FetchRecord {
  url: string
  method: string
  status: number | null
  durationMs: number
  requestHeaders: [string, string][]
  responseBodyPreview: string | null
  /** Runtime clock time the request was made at. */
  time: number
  source: 'network' | 'fixture' | 'refused'
  error?: string
}

export interface FetchFixture {
  method: string
  url: string
  /** sha256 hex of the request body; absent = any body. */
  bodyHash?: string
  response: FetchResponseData
}

export interface FetchRecorder {
  /** Adds a record (performFetch calls this). */
  record(entry: FetchRecord): void
  records(): FetchRecord[]
  /** Fixtures made from the network responses seen so far, to save for the fixtures mode. */
  recordedFixtures(): FetchFixture[]
  /** Saves a network response as a fixture (performFetch calls this in allow mode). */
  keepFixture(fixture: FetchFixture): void
  /** The fixture for a request, or undefined. Several for one request are used in order, the last repeating. */
  findFixture(method: string, url: string, bodyHash: string | null): FetchFixture | undefined
  now(): number
  clear(): void
}

export interface FetchRecorderOptions {
  /** The runtime clock's now(). */
  now: () => number
  /** Fixtures to answer from in the fixtures mode. */
  fixtures?: FetchFixture[]
}

export class FetchRefusedError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'FetchRefusedError'
  }
}

function fixtureKey(method: string, url: string): string {
  return `${method.toUpperCase()} ${url}`
}

export function createFetchRecorder(options: FetchRecorderOptions): FetchRecorder {
  const records: FetchRecord[] = []
  const kept: FetchFixture[] = []
  const fixtures = new Map<string, FetchFixture[]>()
  const used = new Map<string, number>()
  for (const [i, fixture] of (options.fixtures ?? []).entries()) {
    if (!URL.canParse(fixture.url)) throw new Error(`Fetch fixture ${i + 1} has no valid absolute URL: ${JSON.stringify(fixture.url)}`)
    const key = fixtureKey(fixture.method, new URL(fixture.url).href)
    fixtures.set(key, [...(fixtures.get(key) ?? []), fixture])
  }
  return {
    record: (entry) => void records.push(entry),
    records: () => records.map((r) => ({ ...r })),
    recordedFixtures: () => kept.map((f) => ({ ...f })),
    keepFixture: (fixture) => void kept.push(fixture),
    findFixture(method, url, bodyHash) {
      const key = fixtureKey(method, url)
      const candidates = fixtures.get(key) ?? []
      const exact = candidates.filter((f) => f.bodyHash !== undefined && f.bodyHash === bodyHash)
      const list = exact.length > 0 ? exact : candidates.filter((f) => f.bodyHash === undefined)
      if (list.length === 0) return undefined
      const usedKey = `${key} ${exact.length > 0 ? bodyHash : '*'}`
      const index = used.get(usedKey) ?? 0
      used.set(usedKey, index + 1)
      return list[Math.min(index, list.length - 1)]
    },
    now: options.now,
    clear() {
      records.length = 0
      kept.length = 0
      used.clear()
    },
  }
}

// ---- the policy -------------------------------------------------------------------------------------

function ipv4Parts(host: string): number[] | null {
  const parts = host.split('.')
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p))) return null
  return parts.map(Number)
}

/** fe80::/10, and IPv4-mapped IPv6 (::ffff:a9fe:a9fe) of 169.254/16. */
function isLinkLocal(host: string): boolean {
  const v4 = ipv4Parts(host)
  if (v4) return v4[0] === 169 && v4[1] === 254
  if (!host.startsWith('[')) return false
  const v6 = host.slice(1, -1).toLowerCase()
  if (/^fe[89ab][0-9a-f]?:/.test(v6)) return true
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(v6)
  if (mapped) {
    const high = parseInt(mapped[1], 16)
    return high >> 8 === 169 && (high & 0xff) === 254
  }
  const dotted = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(v6)
  return dotted ? isLinkLocal(dotted[1]) : false
}

function hostMatches(pattern: string, url: URL): boolean {
  const p = pattern.trim().toLowerCase()
  if (p === '*') return true
  const host = url.hostname.toLowerCase()
  const hostPort = url.port ? `${host}:${url.port}` : host
  if (p.startsWith('*.')) return host.endsWith(p.slice(1)) && host.length > p.length - 1
  return p === host || p === hostPort
}

/** Named in allowHosts exactly (a "*" does not count): needed for metadata and link-local addresses. */
function namedExplicitly(policy: FetchPolicy, url: URL): boolean {
  return policy.allowHosts.some((p) => p.trim() !== '*' && !p.trim().startsWith('*.') && hostMatches(p, url))
}

/** Why the policy refuses `url`, or null when it may be fetched. Fixtures mode is checked the same way. */
export function checkFetch(policy: FetchPolicy, rawUrl: string): string | null {
  let url: URL
  try {
    url = new URL(rawUrl)
  } catch {
    return `fetch refused: "${rawUrl}" is not a valid absolute URL`
  }
  const shown = url.protocol === 'data:' ? `${url.href.slice(0, 60)}…` : url.href
  if (!FETCH_MODES.includes(policy.mode) || !Array.isArray(policy.allowHosts)) {
    return `fetch to ${shown} refused: the workspace's network setting is not valid (mode ${JSON.stringify(policy.mode)}, allowHosts ${JSON.stringify(policy.allowHosts)}). Set ${FETCH_SETTING}: mode "allow", "fixtures" or "deny", allowHosts a list of hosts.`
  }
  if (policy.mode === 'deny') {
    return `fetch to ${shown} refused: the workspace's network setting is "deny". Change ${FETCH_SETTING} to "allow" (with the host in allowHosts) or to "fixtures".`
  }
  const schemes = new Set((policy.allowSchemes ?? []).map((s) => (s.endsWith(':') ? s : `${s}:`).toLowerCase()))
  if (url.protocol === 'data:') {
    if (rawUrl.length <= DATA_URL_MAX_CHARS || schemes.has('data:')) return null
    return `fetch to ${shown} refused: a data: URL of ${rawUrl.length} characters (over ${DATA_URL_MAX_CHARS}). Add "data:" to allowSchemes in ${FETCH_SETTING} to allow it.`
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    if (schemes.has(url.protocol)) return null
    return `fetch to ${shown} refused: the ${url.protocol} scheme is not allowed. Add "${url.protocol}" to allowSchemes in ${FETCH_SETTING} to allow it.`
  }
  // Loopback behind a "*" or a "*.…" pattern: say why this host is special (a plain list says "not in allowHosts" below).
  if (isLoopback(url.hostname) && !namedExplicitly(policy, url) && policy.allowHosts.some((p) => hostMatches(p, url))) {
    return `fetch to ${shown} refused: ${url.hostname} is this machine (loopback), where the studio itself listens. Name "${url.host}" (or "${url.hostname}") exactly in allowHosts of ${FETCH_SETTING} to allow it.`
  }
  const special = METADATA_HOSTS.has(url.hostname.toLowerCase()) || isLinkLocal(url.hostname)
  if (special && !namedExplicitly(policy, url)) {
    return `fetch to ${shown} refused: ${url.hostname} is a link-local or cloud metadata address. Name "${url.host}" exactly in allowHosts of ${FETCH_SETTING} to allow it.`
  }
  if (!special && !policy.allowHosts.some((p) => hostMatches(p, url))) {
    return `fetch to ${shown} refused: the host "${url.host}" is not in allowHosts (${policy.allowHosts.length ? policy.allowHosts.join(', ') : 'empty'}). Add it to ${FETCH_SETTING}.`
  }
  return null
}

// ---- recording helpers ------------------------------------------------------------------------------

const SECRET_HEADER = /^(authorization|proxy-authorization|cookie|set-cookie|x-api-key|api-key|x-auth-token)$|token|secret|password/i

export function redactHeaders(headers: [string, string][]): [string, string][] {
  return headers.map(([name, value]) => [name, SECRET_HEADER.test(name) ? '[redacted]' : value])
}

function bodyBytes(body: string | Uint8Array | null | undefined): Uint8Array | null {
  if (body === null || body === undefined) return null
  return typeof body === 'string' ? new TextEncoder().encode(body) : body
}

export function bodyHash(body: string | Uint8Array | null | undefined): string | null {
  const bytes = bodyBytes(body)
  return bytes === null ? null : createHash('sha256').update(bytes).digest('hex')
}

function preview(bytes: Uint8Array): string {
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes.subarray(0, BODY_PREVIEW_BYTES))
  return bytes.length > BODY_PREVIEW_BYTES ? `${text}… (${bytes.length} bytes)` : text
}

function fromBase64(data: FetchResponseData): Uint8Array {
  return Buffer.from(data.bodyBase64, 'base64')
}

type FetchInit = NonNullable<Parameters<typeof fetch>[1]>

// ---- performFetch -------------------------------------------------------------------------------------

async function networkFetch(url: string, request: FetchRequest, fetchImpl: typeof fetch, policy: FetchPolicy): Promise<FetchResponseData> {
  if (url.startsWith('file:')) {
    // Node's fetch has no file: support; allowed only through allowSchemes (checkFetch ran before).
    const body = await readFile(fileURLToPath(url))
    return { status: 200, statusText: 'OK', headers: [['content-length', String(body.length)]], bodyBase64: body.toString('base64'), url, redirected: false }
  }
  const method = (request.method ?? 'GET').toUpperCase()
  const mode = request.redirect ?? 'follow'
  let current = url
  let currentMethod = method
  let body = method === 'GET' || method === 'HEAD' ? undefined : (request.body ?? undefined)
  for (let hop = 0; ; hop++) {
    const response = await fetchImpl(current, {
      method: currentMethod,
      headers: request.headers,
      body: body as FetchInit['body'],
      redirect: 'manual',
      signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
    })
    const location = response.headers.get('location')
    if (response.status >= 300 && response.status < 400 && location && mode !== 'manual') {
      await response.body?.cancel()
      if (mode === 'error') throw new TypeError(`fetch to ${current} was redirected to ${location}, and redirect is "error"`)
      if (hop >= MAX_REDIRECTS) throw new TypeError(`fetch to ${url}: more than ${MAX_REDIRECTS} redirects`)
      const target = new URL(location, current).href
      const refused = checkFetch(policy, target)
      if (refused) throw new FetchRefusedError(`${refused} (redirected from ${current})`)
      // 303, and 301/302 after POST, become GET without a body (the fetch standard).
      if (response.status === 303 || ((response.status === 301 || response.status === 302) && currentMethod === 'POST')) {
        currentMethod = currentMethod === 'HEAD' ? 'HEAD' : 'GET'
        body = undefined
      }
      current = target
      continue
    }
    const headers: [string, string][] = []
    response.headers.forEach((value, key) => headers.push([key, value]))
    const bytes = Buffer.from(await response.arrayBuffer())
    return { status: response.status, statusText: response.statusText, headers, bodyBase64: bytes.toString('base64'), url: current, redirected: hop > 0 }
  }
}

/**
 * Decides, performs (or answers from a fixture) and records one plugin fetch. Refusals and network
 * failures are recorded too, then thrown: the plugin's fetch rejects with that message.
 */
export async function performFetch(policy: FetchPolicy, recorder: FetchRecorder, request: FetchRequest, fetchImpl: typeof fetch = globalThis.fetch): Promise<FetchResponseData> {
  const method = (request.method ?? 'GET').toUpperCase()
  const time = recorder.now()
  const started = performance.now() // a measurement, not behaviour: the wall clock is right here
  const requestHeaders = redactHeaders(request.headers ?? [])
  let url = request.url
  try {
    url = new URL(request.url).href
  } catch {}
  const base = { url, method, requestHeaders, time }

  const refused = checkFetch(policy, url)
  if (refused) {
    recorder.record({ ...base, status: null, durationMs: 0, responseBodyPreview: null, source: 'refused', error: refused })
    throw new FetchRefusedError(refused)
  }

  if (policy.mode === 'fixtures') {
    const hash = bodyHash(request.body)
    const fixture = recorder.findFixture(method, url, hash)
    if (!fixture) {
      const message = `No recorded fixture for ${method} ${url}${hash ? ` (body sha256 ${hash.slice(0, 12)}…)` : ''}: the workspace's network setting is "fixtures". Record it by running once with ${FETCH_SETTING} set to "allow", or switch to "allow".`
      recorder.record({ ...base, status: null, durationMs: 0, responseBodyPreview: null, source: 'fixture', error: message })
      throw new FetchRefusedError(message)
    }
    recorder.record({ ...base, status: fixture.response.status, durationMs: performance.now() - started, responseBodyPreview: preview(fromBase64(fixture.response)), source: 'fixture' })
    return { ...fixture.response, headers: fixture.response.headers.map(([k, v]) => [k, v]) }
  }

  try {
    const response = await networkFetch(url, request, fetchImpl, policy)
    const durationMs = performance.now() - started
    recorder.record({ ...base, status: response.status, durationMs, responseBodyPreview: preview(fromBase64(response)), source: 'network' })
    const hash = bodyHash(request.body)
    recorder.keepFixture({ method, url, ...(hash ? { bodyHash: hash } : {}), response: { ...response, headers: redactHeaders(response.headers) } })
    return response
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    recorder.record({ ...base, status: null, durationMs: performance.now() - started, responseBodyPreview: null, source: 'network', error: message })
    throw error
  }
}
