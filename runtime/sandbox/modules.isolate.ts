// Runs inside the isolate. The modules behind PostHog's import allow-list (`__pluginHostImports`):
// crypto, zlib and url backed by the host's Node, scaffold/contrib/node-fetch/stream in here, and a
// clear "not provided" error, at use, for the allowed packages the studio has no implementation of.
import { ALLOWED_IMPORTS, INTERNAL_GLOBAL } from './sandbox.constants.ts'

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any
const G = globalThis as Any
const S = G[INTERNAL_GLOBAL] as Any
const host = S.host as Any

// ---- crypto ----------------------------------------------------------------------------------------------
type Chunk = Uint8Array
function digestResult(bytes: Uint8Array, encoding?: string) {
  const buf = S.asBuffer(bytes)
  return encoding ? buf.toString(encoding) : buf
}
class Hash {
  #algorithm: string
  #key: Chunk | null
  #chunks: Chunk[] = []
  #done = false
  constructor(algorithm: string, key: Chunk | null) {
    this.#algorithm = String(algorithm)
    this.#key = key
    host.cryptoCheck(this.#algorithm, key !== null)
  }
  update(data: unknown, encoding?: string) {
    if (this.#done) throw new Error('Digest already called')
    this.#chunks.push(S.toBytes(data, encoding))
    return this
  }
  digest(encoding?: string) {
    if (this.#done) throw new Error('Digest already called')
    this.#done = true
    return digestResult(host.cryptoDigest(this.#algorithm, this.#key, this.#chunks), encoding)
  }
  copy() {
    const copy = new Hash(this.#algorithm, this.#key)
    for (const c of this.#chunks) copy.update(c)
    return copy
  }
}
const crypto: Any = {
  createHash: (algorithm: string) => new Hash(algorithm, null),
  createHmac: (algorithm: string, key: unknown) => new Hash(algorithm, S.toBytes(key)),
  randomUUID: () => host.randomUUID(),
  randomBytes(size: number, callback?: (err: Error | null, buf: unknown) => void) {
    const buf = S.asBuffer(host.randomBytes(size))
    if (typeof callback === 'function') {
      Promise.resolve().then(() => callback(null, buf))
      return undefined
    }
    return buf
  },
  randomInt(min: number, max?: number) {
    if (max === undefined) [min, max] = [0, min]
    return min + Math.floor(Math.random() * (max - min))
  },
  getRandomValues(array: ArrayBufferView) {
    const bytes = host.randomBytes(array.byteLength)
    new Uint8Array(array.buffer, array.byteOffset, array.byteLength).set(bytes)
    return array
  },
  timingSafeEqual(a: unknown, b: unknown) {
    const x = S.toBytes(a)
    const y = S.toBytes(b)
    if (x.length !== y.length) throw new RangeError('Input buffers must have the same byte length')
    let diff = 0
    for (let i = 0; i < x.length; i++) diff |= x[i] ^ y[i]
    return diff === 0
  },
  getHashes: () => host.cryptoHashes(),
}
crypto.default = crypto

// ---- zlib --------------------------------------------------------------------------------------------------
const zlib: Any = {}
for (const op of ['gzip', 'gunzip', 'deflate', 'inflate', 'deflateRaw', 'inflateRaw', 'unzip', 'brotliCompress', 'brotliDecompress']) {
  const sync = (data: unknown, options?: Any) => {
    const result = host.zlib(op, S.toBytes(data), options && typeof options === 'object' ? { level: options.level } : {})
    if (typeof result === 'string') {
      const error = new Error(result) as Any
      error.code = 'Z_DATA_ERROR'
      throw error
    }
    return S.asBuffer(result)
  }
  zlib[`${op}Sync`] = sync
  zlib[op] = (data: unknown, options: unknown, callback?: (err: Error | null, result?: unknown) => void) => {
    if (typeof options === 'function') [options, callback] = [undefined, options as typeof callback]
    let result: unknown
    let error: Error | null = null
    try {
      result = sync(data, options)
    } catch (e) {
      error = e as Error
    }
    // Node calls back asynchronously; a microtask is the isolate's only "later".
    Promise.resolve().then(() => callback?.(error, result))
  }
}
zlib.constants = { Z_NO_COMPRESSION: 0, Z_BEST_SPEED: 1, Z_BEST_COMPRESSION: 9, Z_DEFAULT_COMPRESSION: -1 }
zlib.default = zlib

// ---- url -----------------------------------------------------------------------------------------------
const url: Any = {
  URL: S.URL,
  URLSearchParams: S.URLSearchParams,
  parse: (input: string, parseQueryString?: boolean) => {
    const parsed = host.legacyUrlParse(String(input))
    if (parseQueryString) {
      const query: Record<string, string | string[]> = {}
      for (const [k, v] of new S.URLSearchParams(parsed.search ?? '')) {
        const prev = query[k]
        query[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v]
      }
      parsed.query = query
    }
    return parsed
  },
  format: (input: unknown) => (input instanceof S.URL ? (input as Any).href : host.legacyUrlFormat(input)),
  resolve: (from: string, to: string) => host.legacyUrlResolve(String(from), String(to)),
}
url.default = url

// ---- @posthog/plugin-scaffold, @posthog/plugin-contrib -----------------------------------------------------
const scaffold: Any = { RetryError: S.RetryError, MetricsOperation: { Sum: 'sum', Min: 'min', Max: 'max' } }
scaffold.default = scaffold

/** plugin-contrib 0.0.5 createBuffer. There are no timers in the sandbox: it flushes on its limit or flush(). */
function createBuffer(opts: Any = {}) {
  G.console.warn('[@posthog/plugin-contrib] createBuffer is deprecated, use exportEvents instead')
  const buffer: Any = {
    _buffer: [] as unknown[],
    _timeout: null,
    _points: 0,
    _options: { limit: 10, timeoutSeconds: 60, onFlush: () => undefined, ...opts },
    add(object: unknown, points = 1) {
      if (buffer._points > 0 && buffer._points + points > buffer._options.limit) void buffer.flush()
      buffer._buffer.push(object)
      buffer._points += points
      if (buffer._points > buffer._options.limit) void buffer.flush()
    },
    async flush() {
      if (buffer._buffer.length === 0) return
      const oldBuffer = buffer._buffer
      const oldPoints = buffer._points
      buffer._buffer = []
      buffer._points = 0
      await buffer._options.onFlush(oldBuffer, oldPoints)
    },
  }
  return buffer
}
const contrib: Any = { createBuffer }
contrib.default = contrib

// ---- stream: PostHog offers only { PassThrough } ------------------------------------------------------------
class PassThrough {
  #chunks: unknown[] = []
  #listeners: Record<string, ((...args: unknown[]) => void)[]> = {}
  #ended = false
  on(event: string, listener: (...args: unknown[]) => void) {
    ;(this.#listeners[event] ??= []).push(listener)
    if (event === 'data') for (const c of this.#chunks) listener(c)
    if (event === 'end' && this.#ended) Promise.resolve().then(() => listener())
    return this
  }
  once(event: string, listener: (...args: unknown[]) => void) {
    return this.on(event, listener)
  }
  #emit(event: string, ...args: unknown[]) {
    for (const l of this.#listeners[event] ?? []) l(...args)
  }
  write(chunk: unknown, encoding?: string, callback?: () => void) {
    if (typeof encoding === 'function') [callback, encoding] = [encoding, undefined]
    const data = typeof chunk === 'string' ? S.asBuffer(S.toBytes(chunk, encoding)) : chunk
    this.#chunks.push(data)
    this.#emit('data', data)
    if (callback) Promise.resolve().then(callback)
    return true
  }
  end(chunk?: unknown, encoding?: string, callback?: () => void) {
    if (typeof chunk === 'function') [callback, chunk] = [chunk as () => void, undefined]
    if (chunk !== undefined && chunk !== null) this.write(chunk, encoding)
    this.#ended = true
    Promise.resolve().then(() => {
      this.#emit('finish')
      this.#emit('end')
      callback?.()
    })
    return this
  }
  /** Everything written so far, concatenated (what a consumer reading to the end would get). */
  read() {
    return this.#chunks.length ? S.bufferModule().Buffer.concat(this.#chunks.map((c) => (typeof c === 'string' ? S.toBytes(c) : c))) : null
  }
  pipe(destination: Any) {
    this.on('data', (c) => destination.write(c))
    this.on('end', () => destination.end?.())
    return destination
  }
}
const stream: Any = { PassThrough }
stream.default = stream

// ---- allowed but not provided -------------------------------------------------------------------------------
function notProvided(name: string): Any {
  const fail = (what: string) => {
    throw new Error(`Plugin Studio does not provide an implementation of '${name}' (${what}). PostHog's plugin server allows importing it, but the studio's sandbox cannot run it.`)
  }
  const stub = (path: string): Any =>
    new Proxy(function () {}, {
      get(_t, key) {
        if (key === Symbol.toPrimitive) return () => `[${name}: not provided]`
        if (typeof key === 'symbol' || key === 'then' || key === '__esModule') return undefined
        return stub(`${path}.${String(key)}`)
      },
      apply: () => fail(`called ${path}()`),
      construct: () => fail(`constructed new ${path}()`),
      ownKeys: () => ['prototype'],
      has: () => false,
    })
  return stub(name)
}

const implemented: Record<string, Any> = {
  crypto,
  zlib,
  url,
  stream,
  'node-fetch': S.fetch,
  '@posthog/plugin-scaffold': scaffold,
  '@posthog/plugin-contrib': contrib,
}
const imports: Record<string, Any> = {}
for (const name of ALLOWED_IMPORTS) imports[name] = implemented[name] ?? notProvided(name)
S.imports = imports
/** The CommonJS `require` the compiled plugin calls; the compiler already refused names outside the list. */
S.require = (name: unknown) => {
  const key = String(name)
  if (Object.prototype.hasOwnProperty.call(imports, key)) return imports[key]
  throw new Error(`Cannot import '${key}'! This package is not provided by PostHog in plugins.`)
}
