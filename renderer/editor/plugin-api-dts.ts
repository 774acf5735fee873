// The PostHog plugin API as Monaco's TypeScript worker sees it (added with addExtraLib): the
// @posthog/plugin-scaffold types (reference §2.2–2.4), the sandbox globals (posthog, fetch, console,
// RetryError, URL, Buffer) and the packages a plugin may import (reference §1.2) as ambient modules.
// Kept as a string: as a real .d.ts these globals would clash with the renderer's own DOM types.

const SCAFFOLD_TYPES = String.raw`
export type Properties = Record<string, any>

export type PluginInput = {
  config?: Record<string, any>
  attachments?: Record<string, PluginAttachment | undefined>
  global?: Record<string, any>
  jobs?: Record<string, JobOptions>
  metrics?: Record<string, AllowedMetricsOperations>
}
export type JobOptions = Record<string, any> | undefined
export type AllowedMetricsOperations = 'sum' | 'max' | 'min'
export type PluginSettings = { handlesLargeBatches?: boolean }

export interface Webhook {
  url: string
  body: string
  headers?: Record<string, string>
  method?: 'POST' | 'GET' | 'PUT' | 'DELETE' | 'PATCH'
}

/** A PostHog plugin: the functions it exports. */
export interface Plugin<Input extends PluginInput = {}> {
  /** Runs once when the plugin is loaded (lazily, before the first event). */
  setupPlugin?: (meta: Meta<Input>) => void | Promise<void>
  /** Runs when the plugin is unloaded or reloaded. */
  teardownPlugin?: (meta: Meta<Input>) => void | Promise<void>
  getSettings?: (meta: Meta<Input>) => PluginSettings
  /** Change the event before ingestion; return null or undefined to drop it. */
  processEvent?: (event: PluginEvent, meta: Meta<Input>) => PluginEvent | null | undefined | Promise<PluginEvent | null | undefined>
  /** @deprecated Use processEvent. */
  processEventBatch?: (eventBatch: PluginEvent[], meta: Meta<Input>) => PluginEvent[] | Promise<PluginEvent[]>
  /** Receives batches of ingested events (buffered, retried on RetryError). */
  exportEvents?: (events: ProcessedPluginEvent[], meta: Meta<Input>) => void | Promise<void>
  /** Runs for every ingested event, after processing. */
  onEvent?: (event: ProcessedPluginEvent, meta: Meta<Input>) => void | Promise<void>
  composeWebhook?: (event: PostHogEvent, meta: Meta<Input>) => Webhook | null
  runEveryMinute?: (meta: Meta<Input>) => void | Promise<void>
  runEveryHour?: (meta: Meta<Input>) => void | Promise<void>
  runEveryDay?: (meta: Meta<Input>) => void | Promise<void>
  jobs?: {
    [K in keyof Meta<Input>['jobs']]: (opts: Parameters<Meta<Input>['jobs'][K]>[0], meta: Meta<Input>) => void | Promise<void>
  }
  metrics?: { [K in keyof Meta<Input>['metrics']]: AllowedMetricsOperations }
  /** Type resolution only. */
  __internalMeta?: Meta<Input>
}

/** The meta type of a Plugin type: PluginMeta<Plugin<{ config: {...} }>>. */
export type PluginMeta<T> = T extends { __internalMeta?: infer M } ? M : never

export interface Element {
  text?: string
  tag_name?: string
  href?: string
  attr_id?: string
  attr_class?: string[]
  nth_child?: number
  nth_of_type?: number
  attributes?: Record<string, any>
  event_id?: number
  order?: number
  group_id?: number
}

/** The raw event given to processEvent. */
export interface PluginEvent {
  distinct_id: string
  ip: string | null
  site_url: string
  team_id: number
  now: string
  event: string
  sent_at?: string
  properties?: Properties
  timestamp?: string
  offset?: number
  $set?: Properties
  $set_once?: Properties
  uuid: string
  person?: PluginPerson
}

/** The ingested event given to onEvent and exportEvents. */
export interface ProcessedPluginEvent {
  distinct_id: string
  ip: string | null
  team_id: number
  event: string
  properties: Properties
  timestamp: string
  $set?: Properties
  $set_once?: Properties
  uuid: string
  person?: PluginPerson
  elements?: Element[]
}

export interface PostHogEvent {
  uuid: string
  team_id: number
  distinct_id: string
  event: string
  timestamp: Date
  properties: Properties
  person?: { uuid: string; properties: Properties; posthog_url: string }
  groups?: Record<string, { key: string; properties: Properties; posthog_url: string }>
}

export interface PluginPerson {
  uuid: string
  team_id: number
  properties: Properties
  created_at: string
}

export interface PluginAttachment {
  content_type: string
  file_name: string
  /** A Buffer in the plugin server. */
  contents: Buffer
}

export interface JobControls {
  runNow(): Promise<void>
  runIn(duration: number, unit: string): Promise<void>
  runAt(date: Date): Promise<void>
}

export interface FullMetricsControls {
  increment(value: number): void
  max(value: number): void
  min(value: number): void
}

interface BasePluginMeta {
  cache: CacheExtension
  storage: StorageExtension
  geoip: GeoIPExtension
  utils: UtilsExtension
  config: Record<string, any>
  global: Record<string, any>
  attachments: Record<string, PluginAttachment | undefined>
  jobs: Record<string, (opts: any) => JobControls>
  metrics: Record<string, Partial<FullMetricsControls>>
}

type MetaJobs<J> = { [K in keyof J]: (opts: J[K]) => JobControls }

/** The last argument of every plugin function. */
export interface Meta<Input extends PluginInput = {}> extends BasePluginMeta {
  config: Input['config'] extends Record<string, any> ? Input['config'] : Record<string, any>
  global: Input['global'] extends Record<string, any> ? Input['global'] : Record<string, any>
  attachments: Input['attachments'] extends Record<string, PluginAttachment | undefined> ? Input['attachments'] : Record<string, PluginAttachment | undefined>
  jobs: Input['jobs'] extends Record<string, JobOptions> ? MetaJobs<Input['jobs']> : Record<string, (opts: any) => JobControls>
  metrics: Record<string, Partial<FullMetricsControls>>
}

export interface PluginConfigStructure {
  key?: string
  name?: string
  default?: string
  hint?: string
  markdown?: string
  order?: number
  required?: boolean
  secret?: boolean
  required_if?: (string | undefined)[][]
  visible_if?: (string | undefined)[][]
}
export interface PluginConfigDefault extends PluginConfigStructure { type?: 'string' | 'json' | 'attachment' }
export interface PluginConfigChoice extends PluginConfigStructure { type: 'choice'; choices: string[] }
export type PluginConfigSchema = PluginConfigDefault | PluginConfigChoice

export interface CacheOptions { jsonSerialize?: boolean }

/** Redis, namespaced per plugin and team. */
export interface CacheExtension {
  set(key: string, value: unknown, ttlSeconds?: number, options?: CacheOptions): Promise<void>
  get(key: string, defaultValue: unknown, options?: CacheOptions): Promise<unknown>
  incr(key: string): Promise<number>
  expire(key: string, ttlSeconds: number): Promise<boolean>
  lpush(key: string, elementOrArray: unknown[] | string): Promise<number>
  lrange(key: string, startIndex: number, endIndex: number): Promise<string[]>
  llen(key: string): Promise<number>
  lpop(key: string, count: number): Promise<string[]>
  lrem(key: string, count: number, elementKey: string): Promise<number>
}

/** Persistent key/value storage, namespaced per plugin config. */
export interface StorageExtension {
  set(key: string, value: unknown): Promise<void>
  get(key: string, defaultValue: unknown): Promise<unknown>
  del(key: string): Promise<void>
}

export interface City {
  city?: { geonameId?: number; names: Record<string, string> }
  continent?: { code?: string; geonameId?: number; names: Record<string, string> }
  country?: { geonameId?: number; isoCode?: string; names: Record<string, string>; isInEuropeanUnion?: boolean }
  location?: { accuracyRadius?: number; latitude?: number; longitude?: number; timeZone?: string; metroCode?: number }
  postal?: { code?: string }
  subdivisions?: { geonameId?: number; isoCode?: string; names: Record<string, string> }[]
  traits?: { ipAddress?: string; network?: string }
}

export interface GeoIPExtension {
  locate(ip: string): Promise<City | null>
}

export interface CursorUtils {
  init(key: string, initialValue?: number): Promise<void>
  increment(key: string, incrementBy?: number): Promise<number>
}

export interface UtilsExtension {
  cursor: CursorUtils
}

export interface ConsoleExtension {
  log(...args: unknown[]): void
  error(...args: unknown[]): void
  debug(...args: unknown[]): void
  info(...args: unknown[]): void
  warn(...args: unknown[]): void
}

export interface ApiMethodOptions {
  headers?: Record<string, string>
  data?: Record<string, any>
  host?: string
  projectApiKey?: string
  personalApiKey?: string
}

export interface ApiExtension {
  get(path: string, options?: ApiMethodOptions): Promise<FetchResponse>
  post(path: string, options?: ApiMethodOptions): Promise<FetchResponse>
  put(path: string, options?: ApiMethodOptions): Promise<FetchResponse>
  delete(path: string, options?: ApiMethodOptions): Promise<FetchResponse>
}

export interface PostHogExtension {
  /** Captures a new event; it goes through the plugins again. */
  capture(event: string, properties?: Record<string, any>): Promise<void>
  api: ApiExtension
}

/** Throw from exportEvents (or a job) to have the call retried with back-off. */
export class RetryError extends Error {
  _attempt: number | undefined
  _maxAttempts: number | undefined
  constructor(message?: string)
  get nameWithAttempts(): string
}

export const MetricsOperation: { readonly Sum: 'sum'; readonly Min: 'min'; readonly Max: 'max' }
`

const GLOBALS = String.raw`
interface FetchHeaders {
  get(name: string): string | null
  has(name: string): boolean
  set(name: string, value: string): void
  append(name: string, value: string): void
  forEach(callback: (value: string, name: string) => void): void
}
interface FetchResponse {
  readonly ok: boolean
  readonly status: number
  readonly statusText: string
  readonly url: string
  readonly headers: FetchHeaders
  json(): Promise<any>
  text(): Promise<string>
  buffer(): Promise<Buffer>
  arrayBuffer(): Promise<ArrayBuffer>
}
interface FetchRequestInit {
  method?: string
  headers?: Record<string, string> | [string, string][]
  body?: string | Buffer | Uint8Array
  redirect?: 'follow' | 'error' | 'manual'
  timeout?: number
  compress?: boolean
  follow?: number
  size?: number
}

interface Buffer extends Uint8Array {
  toString(encoding?: 'utf8' | 'utf-8' | 'hex' | 'base64' | 'base64url' | 'latin1' | 'binary' | 'ascii', start?: number, end?: number): string
  toJSON(): { type: 'Buffer'; data: number[] }
  equals(other: Uint8Array): boolean
  write(text: string, offset?: number, encoding?: string): number
}
declare var Buffer: {
  from(data: string, encoding?: string): Buffer
  from(data: ArrayBuffer | Uint8Array | readonly number[]): Buffer
  alloc(size: number, fill?: number | string): Buffer
  isBuffer(value: unknown): value is Buffer
  byteLength(text: string, encoding?: string): number
  concat(list: readonly Uint8Array[], totalLength?: number): Buffer
}

declare class URLSearchParams {
  constructor(init?: string | Record<string, string> | [string, string][])
  append(name: string, value: string): void
  delete(name: string): void
  get(name: string): string | null
  getAll(name: string): string[]
  has(name: string): boolean
  set(name: string, value: string): void
  sort(): void
  toString(): string
  forEach(callback: (value: string, name: string) => void): void
  entries(): IterableIterator<[string, string]>
  keys(): IterableIterator<string>
  values(): IterableIterator<string>
  [Symbol.iterator](): IterableIterator<[string, string]>
}
declare class URL {
  constructor(input: string, base?: string | URL)
  hash: string
  host: string
  hostname: string
  href: string
  readonly origin: string
  password: string
  pathname: string
  port: string
  protocol: string
  search: string
  readonly searchParams: URLSearchParams
  username: string
  toString(): string
  toJSON(): string
}

/** Logs to the plugin's log (shown in the studio's Output). */
declare var console: import('@posthog/plugin-scaffold').ConsoleExtension
/** node-fetch v2, as the plugin server provides it (subject to the workspace's network policy). */
declare function fetch(url: string | URL, init?: FetchRequestInit): Promise<FetchResponse>
/** posthog.capture and posthog.api, as the plugin server provides them. */
declare var posthog: import('@posthog/plugin-scaffold').PostHogExtension
declare var RetryError: typeof import('@posthog/plugin-scaffold').RetryError
type RetryError = import('@posthog/plugin-scaffold').RetryError
declare function require(name: string): any
declare var module: { exports: any }
declare var exports: any

// jest, for the plugin's own test files
declare function describe(name: string, fn: () => void): void
declare function test(name: string, fn: () => unknown, timeout?: number): void
declare function it(name: string, fn: () => unknown, timeout?: number): void
declare function expect(value: any): any
declare function beforeEach(fn: () => unknown): void
declare function afterEach(fn: () => unknown): void
declare function beforeAll(fn: () => unknown): void
declare function afterAll(fn: () => unknown): void
declare var jest: any
/** Node's global object, as the plugin's jest tests see it. */
declare var global: typeof globalThis & Record<string, any>
`

const ALLOWED_IMPORTS = String.raw`
declare module 'crypto' {
  interface Hash {
    update(data: string | Uint8Array, inputEncoding?: string): Hash
    digest(): Buffer
    digest(encoding: 'hex' | 'base64' | 'base64url' | 'latin1'): string
  }
  interface Hmac extends Hash {}
  export function createHash(algorithm: string): Hash
  export function createHmac(algorithm: string, key: string | Uint8Array): Hmac
  export function randomBytes(size: number): Buffer
  export function randomUUID(): string
  export function randomInt(min: number, max?: number): number
  export function timingSafeEqual(a: Uint8Array, b: Uint8Array): boolean
  export function createCipheriv(algorithm: string, key: string | Uint8Array, iv: string | Uint8Array | null): any
  export function createDecipheriv(algorithm: string, key: string | Uint8Array, iv: string | Uint8Array | null): any
  export const webcrypto: any
}
declare module 'url' {
  const URL_: typeof URL
  const URLSearchParams_: typeof URLSearchParams
  export { URL_ as URL, URLSearchParams_ as URLSearchParams }
  export function parse(url: string, parseQueryString?: boolean): {
    protocol: string | null; host: string | null; hostname: string | null; port: string | null
    pathname: string | null; search: string | null; query: any; hash: string | null; href: string
  }
  export function format(url: any): string
  export function resolve(from: string, to: string): string
}
declare module 'zlib' {
  export function gzipSync(data: string | Uint8Array, options?: any): Buffer
  export function gunzipSync(data: Uint8Array, options?: any): Buffer
  export function deflateSync(data: string | Uint8Array, options?: any): Buffer
  export function inflateSync(data: Uint8Array, options?: any): Buffer
  export function brotliCompressSync(data: string | Uint8Array, options?: any): Buffer
  export function brotliDecompressSync(data: Uint8Array, options?: any): Buffer
  export function gzip(data: string | Uint8Array, callback: (error: Error | null, result: Buffer) => void): void
  export function gunzip(data: Uint8Array, callback: (error: Error | null, result: Buffer) => void): void
}
declare module 'stream' {
  export class PassThrough {
    constructor(options?: any)
    write(chunk: any): boolean
    end(chunk?: any): void
    on(event: string, listener: (...args: any[]) => void): this
    pipe<T>(destination: T): T
  }
}
declare module 'node-fetch' {
  export default fetch
  export type Response = FetchResponse
  export type RequestInit = FetchRequestInit
}
declare module '@posthog/plugin-contrib' {
  export function createBuffer(opts: Partial<{
    limit: number
    timeoutSeconds: number
    onFlush: (objects: any[], points: number) => void | Promise<void>
  }>): { add(object: any, points?: number): void; flush(): Promise<void> }
}
declare module '@jest/globals' {
  export const describe: (name: string, fn: () => void) => void
  export const test: (name: string, fn: () => unknown, timeout?: number) => void
  export const it: typeof test
  export const expect: (value: any) => any
  export const beforeEach: (fn: () => unknown) => void
  export const afterEach: (fn: () => unknown) => void
  export const beforeAll: (fn: () => unknown) => void
  export const afterAll: (fn: () => unknown) => void
  export const jest: any
}
declare module 'generic-pool'
declare module 'pg'
declare module 'snowflake-sdk'
declare module 'aws-sdk'
declare module '@google-cloud/bigquery'
declare module '@google-cloud/pubsub'
declare module '@google-cloud/storage'
declare module 'jsonwebtoken'
declare module 'faker'
declare module 'ethers'
`

/** One .d.ts text: the scaffold module, the sandbox globals and the allowed imports. */
export const PLUGIN_API_DTS = `declare module '@posthog/plugin-scaffold' {${SCAFFOLD_TYPES}}
declare module '@posthog/plugin-scaffold/dist/test/utils' {
  import type { PluginEvent } from '@posthog/plugin-scaffold'
  export function createEvent(changes?: Partial<PluginEvent>): PluginEvent
  export function createPageview(): PluginEvent
  export function createIdentify(): PluginEvent
  export function clone<T>(object: T): T
  export function getMeta(): any
  export function resetMeta(meta?: any): any
}
declare module '@posthog/plugin-scaffold/test/utils' {
  export * from '@posthog/plugin-scaffold/dist/test/utils'
}
${GLOBALS}
${ALLOWED_IMPORTS}`

/** The packages a plugin may import (reference §1.2), for completions of import specifiers. */
export const ALLOWED_IMPORT_NAMES = [
  '@posthog/plugin-scaffold', '@posthog/plugin-contrib', 'crypto', 'url', 'zlib', 'stream', 'node-fetch',
  'generic-pool', 'pg', 'snowflake-sdk', 'aws-sdk', '@google-cloud/bigquery', '@google-cloud/pubsub',
  '@google-cloud/storage', 'jsonwebtoken', 'faker', 'ethers',
] as const
