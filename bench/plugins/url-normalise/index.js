/* global URLSearchParams */
// Benchmark plugin: URL work on every event (parse, edit search params, serialise) with the global URL.
function normalise(raw, drop) {
  let url
  try {
    url = new URL(raw)
  } catch {
    return null
  }
  url.hostname = url.hostname.toLowerCase()
  url.hash = ''
  const kept = [...url.searchParams].filter(([key]) => !drop.some((prefix) => key.startsWith(prefix)))
  kept.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  url.search = new URLSearchParams(kept).toString()
  if (url.pathname.length > 1 && url.pathname.endsWith('/')) url.pathname = url.pathname.slice(0, -1)
  return url
}

export function processEvent(event, { config }) {
  const properties = event.properties
  if (!properties) return event
  const drop = config.dropParameters.split(',')
  if (typeof properties.$current_url === 'string') {
    const url = normalise(properties.$current_url, drop)
    if (url) {
      properties.$current_url = url.toString()
      properties.$host = url.host
      properties.$pathname = url.pathname
    }
  }
  if (typeof properties.$referrer === 'string' && properties.$referrer !== '$direct') {
    const referrer = normalise(properties.$referrer, drop)
    if (referrer) {
      properties.$referrer = referrer.toString()
      properties.$referring_domain = referrer.hostname.replace(/^www\./, '')
    }
  }
  return event
}
