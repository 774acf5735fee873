// meta.cache for the in-process baselines (direct call, vm2): PostHog's cache commands on a Map,
// with the same semantics as the runtime's (values JSON-serialised, TTLs, get → default when missing),
// async like the Redis-backed original.
export class MemoryCache {
  private readonly values = new Map<string, { value: string; expiresAt: number }>()

  private live(key: string): { value: string; expiresAt: number } | undefined {
    const entry = this.values.get(key)
    if (entry && entry.expiresAt <= Date.now()) {
      this.values.delete(key)
      return undefined
    }
    return entry
  }

  async set(key: string, value: unknown, ttlSeconds?: number, options?: { jsonSerialize?: boolean }): Promise<void> {
    const text = options?.jsonSerialize === false ? String(value) : JSON.stringify(value)
    this.values.set(key, { value: text, expiresAt: ttlSeconds ? Date.now() + ttlSeconds * 1000 : Infinity })
  }

  async get(key: string, defaultValue: unknown, options?: { jsonSerialize?: boolean }): Promise<unknown> {
    const entry = this.live(key)
    if (!entry) return defaultValue
    if (options?.jsonSerialize === false) return entry.value
    try {
      return JSON.parse(entry.value)
    } catch {
      return null
    }
  }

  async incr(key: string): Promise<number> {
    const entry = this.live(key)
    const next = (entry ? Number.parseInt(entry.value, 10) : 0) + 1
    this.values.set(key, { value: String(next), expiresAt: entry?.expiresAt ?? Infinity })
    return next
  }

  async expire(key: string, ttlSeconds: number): Promise<boolean> {
    const entry = this.live(key)
    if (!entry) return false
    entry.expiresAt = Date.now() + ttlSeconds * 1000
    return true
  }
}
