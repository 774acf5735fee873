// Numbers and names shared by the host side of the sandbox and the code that runs inside the isolate.

/** A synchronous slice of isolate work ends (and hands control back to the host) after this long. */
export const SLICE_MS = 20

/** The job PostHog's exportEvents upgrade registers (its body runs on the host: runtime/export-buffer.ts). */
export const EXPORT_EVENTS_JOB = 'exportEventsWithRetry'

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

/** The name of the object the isolate scripts share while the bootstrap runs (deleted afterwards). */
export const INTERNAL_GLOBAL = '__studioInternal'
/** Where the finished bootstrap leaves its entry points for the host to pick up (then deleted). */
export const ENTRY_GLOBAL = '__studioEntry'
/** Marks "missing" in a raw cache read from the host. */
export const CACHE_MISSING = '__studio_cache_missing__'
