// Benchmark plugin: enrichment with config and the cache (incr/expire/get/set on every event).
// (Types written out here: the scaffold package is not installed in this repository.)
interface PluginEvent {
  distinct_id: string
  event: string
  now: string
  timestamp?: string
  properties?: Record<string, unknown>
}
interface Meta {
  config: { accountTier: string; sessionTtlSeconds: string; internalDomains: string }
  cache: {
    incr(key: string): Promise<number>
    expire(key: string, seconds: number): Promise<boolean>
    get(key: string, defaultValue: unknown): Promise<unknown>
    set(key: string, value: unknown, ttlSeconds?: number): Promise<void>
  }
}

export async function processEvent(event: PluginEvent, { config, cache }: Meta): Promise<PluginEvent> {
  const properties = event.properties ?? (event.properties = {})
  const counterKey = `events:${event.distinct_id}`
  const count = await cache.incr(counterKey)
  if (count === 1) await cache.expire(counterKey, Number(config.sessionTtlSeconds))
  const firstSeenKey = `first-seen:${event.distinct_id}`
  const firstSeen = await cache.get(firstSeenKey, null)
  if (!firstSeen) await cache.set(firstSeenKey, event.timestamp ?? event.now, 86400)

  const email = (properties.$set as { email?: string } | undefined)?.email ?? (event.distinct_id.includes('@') ? event.distinct_id : undefined)
  const domain = email ? email.slice(email.indexOf('@') + 1).toLowerCase() : null
  properties.account_tier = config.accountTier
  properties.events_in_window = count
  properties.first_seen_at = (firstSeen as string | null) ?? event.timestamp ?? event.now
  properties.is_returning = count > 1
  properties.email_domain = domain
  properties.is_internal = domain !== null && config.internalDomains.split(',').includes(domain)
  return event
}
