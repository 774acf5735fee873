// Runs inside the isolate, first. The globals a PostHog plugin gets and nothing more: console
// (captured with levels, PostHog's message format), RetryError, URL/URLSearchParams (parsed by the
// host's WHATWG parser: a pure-JS URL costs more than the whole sandbox), TextEncoder/TextDecoder,
// Buffer (the npm `buffer` package, bundled by the host), fetch and posthog (performed by the host).
import { INTERNAL_GLOBAL } from './sandbox.constants.ts'

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any
const G = globalThis as Any
const S = G[INTERNAL_GLOBAL] as Any
const host = S.host as Any

// ---- logs -------------------------------------------------------------------------------------------
S.logs = [] as Any[]
S.log = (level: string, message: string) => {
  S.logs.push({ level, message, time: Date.now() })
}
/** PostHog's console extension: objects and arrays as JSON, everything else String(), joined by spaces. */
function formatArgs(args: unknown[]): string {
  return args
    .map((arg) => {
      const text = String(arg)
      return text === '[object Object]' || Array.isArray(arg) ? JSON.stringify(arg) : text
    })
    .join(' ')
}
S.formatArgs = formatArgs
const consoleObject: Any = {}
for (const level of ['debug', 'log', 'info', 'warn', 'error']) {
  consoleObject[level] = (...args: unknown[]) => S.log(level, formatArgs(args))
}
G.console = Object.freeze(consoleObject)

// ---- RetryError (@posthog/plugin-scaffold src/errors.ts) ----------------------------------------------
class RetryError extends Error {
  _attempt: number | undefined
  _maxAttempts: number | undefined
  constructor(message?: string) {
    super(message)
    this.name = 'RetryError'
  }
  get nameWithAttempts(): string {
    return this._attempt && this._maxAttempts ? `${this.name} (attempt ${this._attempt}/${this._maxAttempts})` : this.name
  }
  toString(): string {
    return this.message ? `${this.nameWithAttempts}: ${this.message}` : this.nameWithAttempts
  }
}
S.RetryError = RetryError
G.RetryError = RetryError

// ---- Buffer: evaluated on first use (most plugins never touch it) --------------------------------------
let bufferModule: Any
S.bufferModule = () => (bufferModule ??= S.makeBuffer())
Object.defineProperty(G, 'Buffer', {
  configurable: true,
  enumerable: false,
  get() {
    const value = S.bufferModule().Buffer
    Object.defineProperty(G, 'Buffer', { configurable: true, writable: true, enumerable: false, value })
    return value
  },
  set(value) {
    Object.defineProperty(G, 'Buffer', { configurable: true, writable: true, enumerable: false, value })
  },
})
S.toBytes = (data: unknown, encoding?: string): Uint8Array => {
  if (data instanceof Uint8Array) return data
  if (data instanceof ArrayBuffer) return new Uint8Array(data)
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
  if (typeof data === 'string') return S.bufferModule().Buffer.from(data, encoding || 'utf8')
  throw new TypeError(`The "data" argument must be of type string or an instance of Buffer, TypedArray, or DataView. Received ${data === null ? 'null' : typeof data}`)
}
S.asBuffer = (bytes: Uint8Array) => {
  const B = S.bufferModule().Buffer
  return B.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
}

// ---- TextEncoder / TextDecoder (UTF-8, plus the encodings Buffer knows) ----------------------------------
class TextEncoder {
  get encoding() {
    return 'utf-8'
  }
  encode(input = ''): Uint8Array {
    const b = S.bufferModule().Buffer.from(String(input), 'utf8')
    return new Uint8Array(b.buffer, b.byteOffset, b.byteLength)
  }
  encodeInto(input: string, dest: Uint8Array) {
    const bytes = this.encode(input)
    const n = Math.min(bytes.length, dest.length)
    dest.set(bytes.subarray(0, n))
    return { read: input.length, written: n }
  }
}
const DECODER_ENCODINGS: Record<string, string> = { 'utf-8': 'utf8', utf8: 'utf8', 'utf-16le': 'utf16le', latin1: 'latin1', 'iso-8859-1': 'latin1', ascii: 'latin1', 'us-ascii': 'latin1' }
class TextDecoder {
  #encoding: string
  #fatal: boolean
  #ignoreBOM: boolean
  constructor(label = 'utf-8', options: { fatal?: boolean; ignoreBOM?: boolean } = {}) {
    const key = String(label).trim().toLowerCase()
    if (!DECODER_ENCODINGS[key]) throw new RangeError(`The "${label}" encoding is not supported`)
    this.#encoding = key === 'utf8' ? 'utf-8' : key
    this.#fatal = !!options.fatal
    this.#ignoreBOM = !!options.ignoreBOM
  }
  get encoding() {
    return this.#encoding
  }
  get fatal() {
    return this.#fatal
  }
  get ignoreBOM() {
    return this.#ignoreBOM
  }
  decode(input?: ArrayBuffer | ArrayBufferView): string {
    if (input === undefined) return ''
    const bytes = S.toBytes(input)
    let text: string = S.asBuffer(bytes).toString(DECODER_ENCODINGS[this.#encoding])
    if (this.#fatal && this.#encoding === 'utf-8' && text.includes('\uFFFD') && !S.asBuffer(bytes).equals(S.bufferModule().Buffer.from(text, 'utf8'))) {
      throw new TypeError('The encoded data was not valid for encoding utf-8')
    }
    if (!this.#ignoreBOM && text.charCodeAt(0) === 0xfeff) text = text.slice(1)
    return text
  }
}
G.TextEncoder = TextEncoder
G.TextDecoder = TextDecoder

// ---- URLSearchParams (pure JS: cheap) and URL (the host's WHATWG parser) --------------------------------
function formEncode(text: string): string {
  return encodeURIComponent(text).replace(/%20/g, '+').replace(/[!'()~]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase())
}
function percentDecode(text: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    // Lenient, as WHATWG: decode valid %XX bytes, leave the rest, replace bad UTF-8.
    const bytes: number[] = []
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i)
      if (c === 37 && /^[0-9a-fA-F]{2}$/.test(text.slice(i + 1, i + 3))) {
        bytes.push(parseInt(text.slice(i + 1, i + 3), 16))
        i += 2
      } else if (c < 128) bytes.push(c)
      else for (const b of new TextEncoder().encode(text[i])) bytes.push(b)
    }
    return new TextDecoder().decode(new Uint8Array(bytes))
  }
}
function formDecode(text: string): string {
  return percentDecode(text.replace(/\+/g, ' '))
}
function parseQuery(query: string): [string, string][] {
  const list: [string, string][] = []
  if (query.startsWith('?')) query = query.slice(1)
  if (!query) return list
  for (const part of query.split('&')) {
    if (!part) continue
    const eq = part.indexOf('=')
    list.push(eq === -1 ? [formDecode(part), ''] : [formDecode(part.slice(0, eq)), formDecode(part.slice(eq + 1))])
  }
  return list
}
const toUSV = (v: unknown) => String(v)

class URLSearchParams {
  #list: [string, string][]
  #url: URL | null = null
  constructor(init: unknown = '') {
    if (typeof init === 'object' && init !== null) {
      if (typeof (init as Any)[Symbol.iterator] === 'function') {
        this.#list = []
        for (const pair of init as Iterable<unknown>) {
          const p = [...(pair as Iterable<unknown>)]
          if (p.length !== 2) throw new TypeError("Each query pair must be an iterable [name, value] tuple")
          this.#list.push([toUSV(p[0]), toUSV(p[1])])
        }
      } else {
        this.#list = Object.keys(init).map((k) => [k, toUSV((init as Any)[k])])
      }
    } else {
      this.#list = parseQuery(toUSV(init))
    }
  }
  static _bind(params: URLSearchParams, url: URL) {
    params.#url = url
  }
  static _reset(params: URLSearchParams, search: string) {
    params.#list = parseQuery(search)
  }
  #update() {
    if (this.#url) URL._setSearchFromParams(this.#url, this.toString())
  }
  get size() {
    return this.#list.length
  }
  append(name: string, value: string) {
    this.#list.push([toUSV(name), toUSV(value)])
    this.#update()
  }
  delete(name: string, value?: string) {
    name = toUSV(name)
    this.#list = this.#list.filter(([n, v]) => !(n === name && (value === undefined || v === toUSV(value))))
    this.#update()
  }
  get(name: string): string | null {
    name = toUSV(name)
    const found = this.#list.find(([n]) => n === name)
    return found ? found[1] : null
  }
  getAll(name: string): string[] {
    name = toUSV(name)
    return this.#list.filter(([n]) => n === name).map(([, v]) => v)
  }
  has(name: string, value?: string): boolean {
    name = toUSV(name)
    return this.#list.some(([n, v]) => n === name && (value === undefined || v === toUSV(value)))
  }
  set(name: string, value: string) {
    name = toUSV(name)
    value = toUSV(value)
    const i = this.#list.findIndex(([n]) => n === name)
    if (i === -1) this.#list.push([name, value])
    else this.#list = this.#list.filter(([n], j) => j <= i || n !== name).map((p, j) => (j === i ? [name, value] : p))
    this.#update()
  }
  sort() {
    this.#list = this.#list
      .map((p, i) => [p, i] as const)
      .sort((a, b) => (a[0][0] < b[0][0] ? -1 : a[0][0] > b[0][0] ? 1 : a[1] - b[1]))
      .map(([p]) => p)
    this.#update()
  }
  forEach(callback: (value: string, name: string, params: URLSearchParams) => void, thisArg?: unknown) {
    for (const [n, v] of this.#list) callback.call(thisArg, v, n, this)
  }
  *entries(): IterableIterator<[string, string]> {
    for (const [n, v] of this.#list) yield [n, v]
  }
  *keys(): IterableIterator<string> {
    for (const [n] of this.#list) yield n
  }
  *values(): IterableIterator<string> {
    for (const [, v] of this.#list) yield v
  }
  [Symbol.iterator]() {
    return this.entries()
  }
  toString(): string {
    return this.#list.map(([n, v]) => `${formEncode(n)}=${formEncode(v)}`).join('&')
  }
  get [Symbol.toStringTag]() {
    return 'URLSearchParams'
  }
}

// Host answers "href\norigin\nprotocol\nusername\npassword\nhost\nhostname\nport\npathname\nsearch\nhash",
// or "!" + the parser's error message.
type Parts = string[]
// Parsing is a pure function of its strings and events repeat their URLs: the last answers are kept
// (bounded; a Parts array is never changed in place, so URLs can share one).
const PARSED_LIMIT = 256
const parsed = new Map<string, Parts | string>()
function remember(key: string, answer: string): Parts | string {
  const value = answer.charCodeAt(0) === 33 ? answer.slice(1) : answer.split('\n')
  if (parsed.size >= PARSED_LIMIT) parsed.clear()
  parsed.set(key, value)
  return value
}
function hostParse(input: string, base?: string): Parts | string {
  const key = base === undefined ? `p${input}` : `b${base.length}:${base}${input}`
  return parsed.get(key) ?? remember(key, host.urlParse(input, base))
}
function hostSet(href: string, part: string, value: string): Parts | string {
  const key = `s${part}:${href.length}:${href}${value}`
  return parsed.get(key) ?? remember(key, host.urlSet(href, part, value))
}
const SPLICE_SCHEMES = new Set(['http:', 'https:', 'ws:', 'wss:', 'ftp:', 'file:'])
const ENCODED_QUERY = /^[A-Za-z0-9*\-._+%=&]*$/
const PART = { href: 0, origin: 1, protocol: 2, username: 3, password: 4, host: 5, hostname: 6, port: 7, pathname: 8, search: 9, hash: 10 } as const

class URL {
  #p: Parts
  #params: URLSearchParams | null = null
  constructor(input: unknown, base?: unknown) {
    const parts = hostParse(String(input), base === undefined ? undefined : String(base))
    if (typeof parts === 'string') {
      const error = new TypeError(parts) as Any
      error.code = 'ERR_INVALID_URL'
      error.input = String(input)
      throw error
    }
    this.#p = parts
  }
  static canParse(input: unknown, base?: unknown): boolean {
    return typeof hostParse(String(input), base === undefined ? undefined : String(base)) !== 'string'
  }
  static parse(input: unknown, base?: unknown): URL | null {
    try {
      return new URL(input, base)
    } catch {
      return null
    }
  }
  static _setSearchFromParams(url: URL, query: string) {
    if (!url.#spliceSearch(query)) url.#set('search', query)
  }
  #set(part: string, value: unknown) {
    const parts = hostSet(this.#p[0], part, String(value))
    if (typeof parts === 'string') {
      if (part === 'href') throw new TypeError(parts)
      return
    }
    this.#p = parts
    if (this.#params && part !== 'search-from-params') URLSearchParams._reset(this.#params, this.#p[PART.search])
  }
  get href() { return this.#p[PART.href] }
  set href(v) { this.#set('href', v) }
  get origin() { return this.#p[PART.origin] }
  get protocol() { return this.#p[PART.protocol] }
  set protocol(v) { this.#set('protocol', v) }
  get username() { return this.#p[PART.username] }
  set username(v) { this.#set('username', v) }
  get password() { return this.#p[PART.password] }
  set password(v) { this.#set('password', v) }
  get host() { return this.#p[PART.host] }
  set host(v) { this.#set('host', v) }
  get hostname() { return this.#p[PART.hostname] }
  set hostname(v) {
    // Setting the same (already serialised) host again changes nothing; '' is not a no-op ('foo:/p').
    const value = String(v)
    if (value !== '' && value === this.#p[PART.hostname]) return
    this.#set('hostname', value)
  }
  get port() { return this.#p[PART.port] }
  set port(v) { this.#set('port', v) }
  get pathname() { return this.#p[PART.pathname] }
  set pathname(v) { this.#set('pathname', v) }
  get search() { return this.#p[PART.search] }
  set search(v) {
    if (!this.#spliceSearch(String(v))) this.#set('search', v)
  }
  /**
   * The search setter without a host trip, when WHATWG's answer is plain splicing: a special scheme
   * (no opaque path to strip), and a value of characters the query state keeps as they are (what
   * URLSearchParams.toString() produces).
   */
  #spliceSearch(value: string): boolean {
    if (!SPLICE_SCHEMES.has(this.#p[PART.protocol])) return false
    const query = value.charCodeAt(0) === 63 ? value.slice(1) : value
    if (!ENCODED_QUERY.test(query)) return false
    const href = this.#p[PART.href]
    const hashAt = href.indexOf('#')
    const beforeHash = hashAt === -1 ? href : href.slice(0, hashAt)
    const queryAt = beforeHash.indexOf('?')
    const base = queryAt === -1 ? beforeHash : beforeHash.slice(0, queryAt)
    const search = value === '' ? '' : `?${query}`
    const parts = this.#p.slice()
    parts[PART.href] = base + search + (hashAt === -1 ? '' : href.slice(hashAt))
    parts[PART.search] = query === '' ? '' : search
    this.#p = parts
    if (this.#params) URLSearchParams._reset(this.#params, parts[PART.search])
    return true
  }
  get hash() { return this.#p[PART.hash] }
  set hash(v) {
    // No fragment to remove: '' changes nothing (but 'http://a/#' has an empty one, which '' removes).
    const value = String(v)
    if (value === '' && !this.#p[PART.href].includes('#')) return
    this.#set('hash', value)
  }
  get searchParams(): URLSearchParams {
    if (!this.#params) {
      this.#params = new URLSearchParams(this.#p[PART.search])
      URLSearchParams._bind(this.#params, this)
    }
    return this.#params
  }
  toString() { return this.#p[PART.href] }
  toJSON() { return this.#p[PART.href] }
  get [Symbol.toStringTag]() { return 'URL' }
}
G.URL = URL
G.URLSearchParams = URLSearchParams
S.URL = URL
S.URLSearchParams = URLSearchParams

// ---- fetch (performed by the host; resolves through the host-op queue) --------------------------------
class Headers {
  #map = new Map<string, string>()
  constructor(init?: unknown) {
    if (init instanceof Headers) init.forEach((v, k) => this.append(k, v))
    else if (Array.isArray(init)) for (const [k, v] of init) this.append(k, v)
    else if (init && typeof init === 'object') for (const k of Object.keys(init)) this.append(k, (init as Any)[k])
  }
  append(name: string, value: string) {
    const key = String(name).toLowerCase()
    const prev = this.#map.get(key)
    this.#map.set(key, prev === undefined ? String(value) : `${prev}, ${value}`)
  }
  set(name: string, value: string) { this.#map.set(String(name).toLowerCase(), String(value)) }
  get(name: string) { return this.#map.get(String(name).toLowerCase()) ?? null }
  has(name: string) { return this.#map.has(String(name).toLowerCase()) }
  delete(name: string) { this.#map.delete(String(name).toLowerCase()) }
  forEach(cb: (value: string, name: string, headers: Headers) => void) { for (const [k, v] of this.#map) cb(v, k, this) }
  entries() { return this.#map.entries() }
  keys() { return this.#map.keys() }
  values() { return this.#map.values() }
  raw() { const out: Record<string, string[]> = {}; for (const [k, v] of this.#map) out[k] = [v]; return out }
  [Symbol.iterator]() { return this.#map.entries() }
}
class Response {
  #bytes: Uint8Array
  #used = false
  status: number
  statusText: string
  headers: Headers
  url: string
  redirected: boolean
  constructor(body: unknown = null, init: Any = {}) {
    this.#bytes = body == null ? new Uint8Array(0) : typeof body === 'string' ? new TextEncoder().encode(body) : S.toBytes(body)
    this.status = init.status ?? 200
    this.statusText = init.statusText ?? ''
    this.headers = new Headers(init.headers)
    this.url = init.url ?? ''
    this.redirected = !!init.redirected
  }
  get ok() { return this.status >= 200 && this.status < 300 }
  get bodyUsed() { return this.#used }
  #take(): Uint8Array {
    if (this.#used) throw new TypeError(`body used already for: ${this.url}`)
    this.#used = true
    return this.#bytes
  }
  async text() { return new TextDecoder().decode(this.#take()) }
  async json() { return JSON.parse(new TextDecoder().decode(this.#take())) }
  async buffer() { return S.asBuffer(this.#take()) }
  async arrayBuffer() { const b = this.#take(); return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) }
  clone() { return new Response(this.#bytes, this) }
}
class FetchError extends Error {
  type: string
  constructor(message: string, type = 'system') {
    super(message)
    this.name = 'FetchError'
    this.type = type
  }
}
function headerPairs(headers: unknown): [string, string][] {
  const out: [string, string][] = []
  new Headers(headers).forEach((v, k) => out.push([k, v]))
  return out
}
function fetch(input: unknown, init: Any = {}): Promise<Response> {
  try {
    const url = typeof input === 'object' && input !== null && 'url' in input ? String((input as Any).url) : String(input)
    const body = init.body == null ? null : typeof init.body === 'string' ? init.body : init.body instanceof URLSearchParams ? init.body.toString() : S.toBytes(init.body)
    const request = { url, method: String(init.method ?? 'GET').toUpperCase(), headers: headerPairs(init.headers), body, redirect: init.redirect ?? 'follow' }
    return S.hostOp('fetch', [request]).then((r: Any) => new Response(r.body, { status: r.status, statusText: r.statusText, headers: r.headers, url: r.url, redirected: r.redirected }), (e: Any) => {
      if (e?.name === 'FetchRefusedError') throw new FetchError(`Blocked by the studio's network policy: ${e.message}`, 'policy')
      throw new FetchError(`request to ${url} failed, reason: ${e?.message ?? e}`)
    })
  } catch (error) {
    return Promise.reject(error)
  }
}
fetch.default = fetch
fetch.Headers = Headers
fetch.Response = Response
fetch.FetchError = FetchError
fetch.isRedirect = (code: number) => [301, 302, 303, 307, 308].includes(code)
S.fetch = fetch
G.fetch = fetch

// ---- posthog global: capture is recorded (the host shapes it as PostHog does and may feed it back);
// api calls are answered by the host's configurable stub (runtime/posthog-api-stub.ts) --------------------
const posthog = {
  capture(event: string, properties: Record<string, unknown> = {}) {
    S.record('captures', { event, properties: properties ?? {} })
    return Promise.resolve()
  },
  api: {} as Any,
}
for (const method of ['get', 'post', 'put', 'delete']) {
  posthog.api[method] = (path: string, options: Any = {}) => {
    if (!!options.personalApiKey !== !!options.projectApiKey) {
      return Promise.reject(new Error('You must specify a personalApiKey if you specify a projectApiKey and vice-versa!'))
    }
    const request = { method: method.toUpperCase(), path: String(path), host: options.host ?? 'https://app.posthog.com', data: options.data ?? null }
    S.record('apiCalls', request)
    return S.hostOp('posthogApi', [request]).then((r: Any) => new Response(r.body, { status: r.status, statusText: r.statusText, headers: r.headers }))
  }
}
G.posthog = Object.freeze(posthog)
G.global = G
