// The per-workspace settings: defaults, validation (errors name the field and the problem) and
// partial updates. Pure functions; settings-store.ts does the file work.
import type { NetworkPolicy, SettingsPatch, StudioSettings } from '../../../common/protocol/studio.ts'

export const SETTINGS_LIMITS = {
  TIMEOUT_MS_MIN: 100,
  TIMEOUT_MS_MAX: 600_000,
  MEMORY_MB_MIN: 8,
  MEMORY_MB_MAX: 4096,
  MAX_ALLOWED_HOSTS: 200,
} as const

/** PostHog's defaults: a 30 s task timeout; 128 MB is what an isolate gets unless told otherwise. */
export function defaultSettings(): StudioSettings {
  return { runtime: { timeoutMs: 30_000, memoryMb: 128 }, redisUrl: null, network: { mode: 'allow-all' } }
}

export class SettingsError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'SettingsError'
  }
}

function integerIn(value: unknown, field: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) throw new SettingsError(`${field} must be a whole number, got ${JSON.stringify(value)}`)
  if (value < min || value > max) throw new SettingsError(`${field} must be between ${min} and ${max}, got ${value}`)
  return value
}

function checkRedisUrl(value: unknown): string | null {
  if (value === null || value === '') return null
  if (typeof value !== 'string') throw new SettingsError(`redisUrl must be a redis:// URL or null, got ${JSON.stringify(value)}`)
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw new SettingsError(`redisUrl is not a URL: ${JSON.stringify(value)}`)
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') throw new SettingsError(`redisUrl must start with redis:// or rediss://, got ${url.protocol}//`)
  return value
}

const HOST_PATTERN = /^(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:\d{1,5})?$/i

function checkNetwork(value: unknown): NetworkPolicy {
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new SettingsError('network must be an object with a "mode"')
  const mode = (value as { mode?: unknown }).mode
  if (mode === 'allow-all' || mode === 'deny-all') return { mode }
  if (mode !== 'allow-list') throw new SettingsError(`network.mode must be "allow-all", "deny-all" or "allow-list", got ${JSON.stringify(mode)}`)
  const hosts = (value as { hosts?: unknown }).hosts
  if (!Array.isArray(hosts)) throw new SettingsError('network.hosts must be a list of host names for "allow-list"')
  if (hosts.length > SETTINGS_LIMITS.MAX_ALLOWED_HOSTS) throw new SettingsError(`network.hosts may list at most ${SETTINGS_LIMITS.MAX_ALLOWED_HOSTS} hosts`)
  hosts.forEach((host, i) => {
    if (typeof host !== 'string' || !HOST_PATTERN.test(host)) throw new SettingsError(`network.hosts[${i}] is not a host name (like api.example.com or *.example.com): ${JSON.stringify(host)}`)
  })
  return { mode, hosts: hosts.map((h: string) => h.toLowerCase()) }
}

/** Validates a whole settings document; missing sections take their defaults. */
export function validateSettings(raw: unknown): StudioSettings {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new SettingsError('settings must be a JSON object')
  const doc = raw as Record<string, unknown>
  const defaults = defaultSettings()
  const runtime = (doc.runtime ?? {}) as Record<string, unknown>
  if (typeof runtime !== 'object' || Array.isArray(runtime) || runtime === null) throw new SettingsError('runtime must be an object')
  return {
    runtime: {
      timeoutMs: integerIn(runtime.timeoutMs ?? defaults.runtime.timeoutMs, 'runtime.timeoutMs', SETTINGS_LIMITS.TIMEOUT_MS_MIN, SETTINGS_LIMITS.TIMEOUT_MS_MAX),
      memoryMb: integerIn(runtime.memoryMb ?? defaults.runtime.memoryMb, 'runtime.memoryMb', SETTINGS_LIMITS.MEMORY_MB_MIN, SETTINGS_LIMITS.MEMORY_MB_MAX),
    },
    redisUrl: checkRedisUrl(doc.redisUrl === undefined ? defaults.redisUrl : doc.redisUrl),
    network: checkNetwork(doc.network ?? defaults.network),
  }
}

/** Applies a patch and validates the result. */
export function applySettingsPatch(current: StudioSettings, patch: SettingsPatch): StudioSettings {
  if (!patch || typeof patch !== 'object' || Array.isArray(patch)) throw new SettingsError('A settings update must be an object')
  for (const key of Object.keys(patch)) {
    if (key !== 'runtime' && key !== 'redisUrl' && key !== 'network') throw new SettingsError(`Unknown setting "${key}"`)
  }
  if (patch.runtime) {
    for (const key of Object.keys(patch.runtime)) {
      if (key !== 'timeoutMs' && key !== 'memoryMb') throw new SettingsError(`Unknown setting "runtime.${key}"`)
    }
  }
  return validateSettings({
    runtime: { ...current.runtime, ...(patch.runtime ?? {}) },
    redisUrl: patch.redisUrl === undefined ? current.redisUrl : patch.redisUrl,
    network: patch.network ?? current.network,
  })
}
