// Numbers and names shared by the host side of the sandbox and the code that runs inside the isolate.

/** A synchronous slice of isolate work ends (and hands control back to the host) after this long. */
export const SLICE_MS = 20

/** PostHog's exportEvents upgrade (PH-2022, 2022-08-12): retries and buffer limits. */
export const EXPORT_MAXIMUM_RETRIES = 3
export const EXPORT_BUFFER_BYTES_DEFAULT = 20 * 1024 * 1024
export const EXPORT_BUFFER_BYTES_MINIMUM = 1
export const EXPORT_BUFFER_BYTES_MAXIMUM = 100 * 1024 * 1024
export const EXPORT_BUFFER_SECONDS_DEFAULT = 60
export const EXPORT_BUFFER_SECONDS_MINIMUM = 1
export const EXPORT_BUFFER_SECONDS_MAXIMUM = 600

/** The methods PostHog guards and lists in capabilities, in its order. */
export const PLUGIN_METHODS = ['setupPlugin', 'teardownPlugin', 'exportEvents', 'onEvent', 'onSnapshot', 'processEvent'] as const

/** Import names PostHog's plugin server allows (PH-2022 imports.ts), and the ones the studio implements. */
export const ALLOWED_IMPORTS = [
  '@google-cloud/bigquery',
  '@google-cloud/pubsub',
  '@google-cloud/storage',
  '@posthog/plugin-contrib',
  '@posthog/plugin-scaffold',
  'aws-sdk',
  'ethers',
  'faker',
  'generic-pool',
  'jsonwebtoken',
  'node-fetch',
  'pg',
  'snowflake-sdk',
  'crypto',
  'stream',
  'url',
  'zlib',
] as const
export const IMPLEMENTED_IMPORTS = ['@posthog/plugin-contrib', '@posthog/plugin-scaffold', 'node-fetch', 'crypto', 'stream', 'url', 'zlib'] as const

/** Time units of meta.jobs (PostHog's extensions/jobs.ts, including its 30-weeks "month"). */
export const JOB_TIME_UNITS_MS: Record<string, number> = {
  milliseconds: 1,
  seconds: 1000,
  minutes: 60 * 1000,
  hours: 60 * 60 * 1000,
  days: 24 * 60 * 60 * 1000,
  weeks: 7 * 24 * 60 * 60 * 1000,
  months: 30 * 7 * 24 * 60 * 60 * 1000,
  quarters: 13 * 7 * 24 * 60 * 60 * 1000,
  years: 365 * 24 * 60 * 60 * 1000,
}

/** The name of the object the isolate scripts share while the bootstrap runs (deleted afterwards). */
export const INTERNAL_GLOBAL = '__studioInternal'
/** Where the finished bootstrap leaves its entry points for the host to pick up (then deleted). */
export const ENTRY_GLOBAL = '__studioEntry'
/** Marks "missing" in a raw cache read from the host. */
export const CACHE_MISSING = '__studio_cache_missing__'
