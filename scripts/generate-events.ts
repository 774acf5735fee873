// Seeded generator of realistic PostHog events as they reach the plugin-server, for throughput work:
//   node scripts/generate-events.ts [--count 10000] [--seed 1] [--out events.jsonl]
// Same seed and count → byte-identical JSON Lines. Large sets are generated, never committed.
// Mix and shapes follow posthog-js / posthog-ios / posthog-android / posthog-node captures: a few
// heavy users and many light ones, mostly web pageviews and clicks, some mobile screens, identify,
// group identify, feature flags, commerce events and the odd event without properties.
import { createWriteStream } from 'node:fs'
import { parseArgs } from 'node:util'
import { createRandom, hex, pick, uuidV7, weighted, type Random } from './seeded-random.ts'
import { BROWSERS, CLICK_TARGETS, COMPANIES, CURRENCIES, DESKTOP_OS, EMAIL_DOMAINS, FIRST_NAMES, IP_PREFIXES, MOBILE_WEB_OS, PAGES, PRODUCTS, REFERRERS, SCREENS, UTM } from './event-vocabulary.ts'

export { createRandom, uuidV7 } from './seeded-random.ts'

export type GeneratedEvent = Record<string, unknown>

interface User {
  distinctId: string
  deviceId: string
  email: string
  identified: boolean
  mobile: 'ios' | 'android' | null
  browser: (typeof BROWSERS)[number][0]
  browserVersion: number
  os: string
  osVersion: string
  ip: string
  company: (typeof COMPANIES)[number] | null
  sessionId: string
  sessionStart: number
  path: string
  referrer: string
}

const SITE = 'https://app.example-shop.com'
const HOST = 'app.example-shop.com'

function makeUser(random: Random, index: number, clock: number): User {
  const mobileRoll = random()
  const mobile = mobileRoll < 0.1 ? 'ios' : mobileRoll < 0.16 ? 'android' : null
  const mobileWeb = !mobile && random() < 0.25
  const osPick = mobileWeb ? weighted(random, MOBILE_WEB_OS) : weighted(random, DESKTOP_OS)
  const browser = osPick.os === 'iOS' ? BROWSERS[1][0] : weighted(random, BROWSERS)
  const name = pick(random, FIRST_NAMES)
  const deviceId = uuidV7(random, clock - Math.floor(random() * 90 * 86_400_000))
  const identified = random() < 0.45
  return {
    distinctId: identified ? `${name}.${index}@${pick(random, EMAIL_DOMAINS)}` : deviceId,
    deviceId,
    email: `${name}.${index}@${pick(random, EMAIL_DOMAINS)}`,
    identified,
    mobile,
    browser,
    browserVersion: pick(random, browser.versions),
    os: mobile === 'ios' ? 'iOS' : mobile === 'android' ? 'Android' : osPick.os,
    osVersion: pick(random, osPick.versions),
    ip: `${pick(random, IP_PREFIXES)}.${Math.floor(random() * 254) + 1}.${Math.floor(random() * 254) + 1}`,
    company: random() < 0.35 ? pick(random, COMPANIES) : null,
    sessionId: uuidV7(random, clock),
    sessionStart: clock,
    path: '/',
    referrer: weighted(random, REFERRERS),
  }
}

function iso(ms: number): string {
  return new Date(ms).toISOString()
}

/** The envelope the plugin-server gets: capture's fields around the client's properties. */
function envelope(random: Random, user: User, event: string, at: number, properties: GeneratedEvent | undefined, extra: GeneratedEvent = {}): GeneratedEvent {
  const sentAt = at + Math.floor(random() * 4000) + 50
  const out: GeneratedEvent = {
    uuid: uuidV7(random, at),
    event,
    distinct_id: user.distinctId,
    ip: user.ip,
    site_url: SITE,
    team_id: 2,
    now: iso(sentAt + Math.floor(random() * 120) + 15),
    timestamp: iso(at),
    sent_at: iso(sentAt),
    ...extra,
  }
  if (properties) out.properties = properties
  return out
}

function webProperties(random: Random, user: User, at: number, path: string, extra: GeneratedEvent = {}): GeneratedEvent {
  const mobileWeb = user.os === 'iOS' || user.os === 'Android'
  const [width, height] = mobileWeb ? pick(random, [[390, 844], [412, 915], [393, 852]] as const) : pick(random, [[1920, 1080], [1440, 900], [2560, 1440], [1536, 864]] as const)
  const referringDomain = user.referrer === '$direct' ? '$direct' : new URL(user.referrer).host
  return {
    $os: user.os,
    $os_version: user.osVersion,
    $browser: user.browser.name,
    $browser_version: user.browserVersion,
    $device_type: mobileWeb ? 'Mobile' : 'Desktop',
    $current_url: `${SITE}${path}`,
    $host: HOST,
    $pathname: path,
    $browser_language: pick(random, ['en-US', 'en-GB', 'de-DE', 'fr-FR', 'es-ES', 'pt-BR', 'ja-JP']),
    $screen_height: height,
    $screen_width: width,
    $viewport_height: height - 120,
    $viewport_width: width,
    $lib: 'web',
    $lib_version: '1.187.2',
    $insert_id: hex(random, 16),
    $time: at / 1000,
    distinct_id: user.distinctId,
    $device_id: user.deviceId,
    ...(user.identified ? { $user_id: user.distinctId } : {}),
    $referrer: user.referrer,
    $referring_domain: referringDomain,
    $session_id: user.sessionId,
    $window_id: uuidV7(random, user.sessionStart),
    token: 'phc_4Kx9Yq2bTfWm7RzL1nVdS8eHcJpA3uGo6iE0tNwBvXy',
    $is_identified: user.identified,
    $process_person_profile: true,
    ...extra,
  }
}

function mobileProperties(random: Random, user: User, at: number, extra: GeneratedEvent): GeneratedEvent {
  const ios = user.mobile === 'ios'
  return {
    $lib: ios ? 'posthog-ios' : 'posthog-android',
    $lib_version: ios ? '3.14.1' : '3.8.2',
    $os: ios ? 'iOS' : 'Android',
    $os_version: ios ? pick(random, ['17.6.1', '18.0.1', '18.1']) : pick(random, ['13', '14', '15']),
    $device_manufacturer: ios ? 'Apple' : pick(random, ['Google', 'samsung', 'OnePlus']),
    $device_model: ios ? pick(random, ['iPhone15,2', 'iPhone16,1', 'iPhone14,5']) : pick(random, ['Pixel 8', 'SM-S918B', 'CPH2449']),
    $device_name: ios ? 'iPhone' : 'husky',
    $device_type: 'Mobile',
    $app_name: 'Example Shop',
    $app_version: '4.12.0',
    $app_build: ios ? '4120.3' : '41203',
    $app_namespace: ios ? 'com.example.shop' : 'com.example.shop.android',
    $screen_width: ios ? 393 : 412,
    $screen_height: ios ? 852 : 915,
    $locale: pick(random, ['en-US', 'de-DE', 'en-GB']),
    $timezone: pick(random, ['America/New_York', 'Europe/Berlin', 'Europe/London', 'Asia/Tokyo']),
    $network_wifi: random() < 0.7,
    $network_carrier: ios ? 'Vodafone' : 'T-Mobile',
    $device_id: user.deviceId,
    $session_id: user.sessionId,
    $is_emulator: false,
    $process_person_profile: true,
    ...extra,
  }
}

/** One event for this user at this time, by a realistic mix of kinds. */
function nextEvent(random: Random, user: User, at: number): GeneratedEvent {
  if (user.mobile) {
    const kind = weighted(random, [['$screen', 70], ['Application Opened', 10], ['product viewed', 10], ['order completed', 3], ['Application Backgrounded', 7]] as const)
    if (kind === '$screen') return envelope(random, user, '$screen', at, mobileProperties(random, user, at, { $screen_name: pick(random, SCREENS) }))
    if (kind === 'order completed') return commerce(random, user, at, kind, mobileProperties(random, user, at, {}))
    if (kind === 'product viewed') return commerce(random, user, at, kind, mobileProperties(random, user, at, {}))
    return envelope(random, user, kind, at, mobileProperties(random, user, at, kind === 'Application Opened' ? { from_background: random() < 0.6, version: '4.12.0', build: '4120.3' } : {}))
  }
  const kind = weighted(random, [
    ['$pageview', 42],
    ['$autocapture', 22],
    ['$pageleave', 11],
    ['$identify', 3],
    ['$groupidentify', 1],
    ['$feature_flag_called', 4],
    ['product viewed', 6],
    ['product added', 3],
    ['order completed', 2],
    ['signed up', 1],
    ['$opt_in', 0.5],
    ['server heartbeat', 0.5],
  ] as const)
  switch (kind) {
    case '$pageview': {
      user.path = weighted(random, PAGES)
      const utm = random() < 0.15 ? pick(random, UTM) : undefined
      const url = utm ? `${user.path}?${new URLSearchParams(utm as Record<string, string>).toString()}` : user.path
      return envelope(random, user, kind, at, webProperties(random, user, at, user.path, { $current_url: `${SITE}${url}`, ...(utm ?? {}), $pageview_id: uuidV7(random, at) }))
    }
    case '$pageleave':
      return envelope(random, user, kind, at, webProperties(random, user, at, user.path, { $prev_pageview_pathname: user.path, $prev_pageview_duration: Math.round(random() * 180 * 10) / 10, $prev_pageview_max_scroll_percentage: Math.round(random() * 100) / 100 }))
    case '$autocapture': {
      const target = pick(random, CLICK_TARGETS)
      const elements: unknown[] = [
        { ...target, nth_child: 1 + Math.floor(random() * 4), nth_of_type: 1 },
        { tag_name: 'div', classes: ['flex', 'items-center', 'gap-2'], attr__class: 'flex items-center gap-2', nth_child: 2, nth_of_type: 1 },
        { tag_name: 'main', attr__id: 'main', nth_child: 2, nth_of_type: 1 },
        { tag_name: 'body', nth_child: 2, nth_of_type: 1 },
      ]
      const eventType = target.tag_name === 'input' ? 'change' : 'click'
      return envelope(random, user, kind, at, webProperties(random, user, at, user.path, { $event_type: eventType, $ce_version: 1, ...('$el_text' in target ? { $el_text: target.$el_text } : {}), $elements: elements }))
    }
    case '$identify': {
      const anon = user.deviceId
      user.distinctId = user.email
      user.identified = true
      return envelope(random, user, kind, at, webProperties(random, user, at, user.path, { $anon_distinct_id: anon, $set: { email: user.email, name: user.email.split('.')[0] }, $set_once: { $initial_referrer: user.referrer, $initial_current_url: `${SITE}/`, $initial_pathname: '/' } }))
    }
    case '$groupidentify': {
      const company = user.company ?? pick(random, COMPANIES)
      return envelope(random, user, kind, at, webProperties(random, user, at, user.path, { $group_type: 'company', $group_key: company.key, $group_set: { name: company.name, industry: company.industry, plan: company.plan, employees: company.employees } }))
    }
    case '$feature_flag_called':
      return envelope(random, user, kind, at, webProperties(random, user, at, user.path, { $feature_flag: pick(random, ['new-checkout', 'pricing-page-v3', 'ai-search']), $feature_flag_response: pick(random, [true, false, 'test', 'control']) }))
    case 'product viewed':
    case 'product added':
    case 'order completed':
      return commerce(random, user, at, kind, webProperties(random, user, at, user.path, {}))
    case 'signed up':
      return envelope(random, user, kind, at, webProperties(random, user, at, '/signup', { plan: pick(random, ['free', 'pro', 'team']), signup_method: pick(random, ['email', 'google', 'github']), $set: { email: user.email, plan: 'free' }, $set_once: { signed_up_at: iso(at) } }))
    case 'server heartbeat':
      // Sent by a backend library without any properties at all.
      return envelope(random, user, kind, at, undefined, { ip: null })
    default:
      return envelope(random, user, kind, at, webProperties(random, user, at, user.path, {}))
  }
}

function commerce(random: Random, user: User, at: number, kind: string, base: GeneratedEvent): GeneratedEvent {
  const product = pick(random, PRODUCTS)
  if (kind !== 'order completed') return envelope(random, user, kind, at, { ...base, ...product, quantity: 1 + Math.floor(random() * 2) })
  const items = [product, ...(random() < 0.4 ? [pick(random, PRODUCTS)] : [])]
  const currency = weighted(random, CURRENCIES)
  const subtotal = items.reduce((sum, p) => sum + p.price, 0)
  return envelope(random, user, kind, at, {
    ...base,
    order_id: `ORD-${hex(random, 8).toUpperCase()}`,
    revenue: Math.round(subtotal * 100) / 100,
    currency,
    tax: Math.round(subtotal * 0.19 * 100) / 100,
    shipping: subtotal > 100 ? 0 : 6.9,
    coupon: random() < 0.2 ? 'WELCOME10' : null,
    products: items.map((p) => ({ ...p, quantity: 1 })),
    $set: { last_order_at: iso(at) },
  })
}

/** `count` events from `seed`, in time order, from a population with a long-tailed activity. */
export function generateEvents(count: number, seed = 1): GeneratedEvent[] {
  const random = createRandom(seed)
  let clock = Date.UTC(2026, 10, 20, 8, 0, 0)
  const users = Array.from({ length: Math.max(10, Math.round(count / 25)) }, (_, i) => makeUser(random, i, clock))
  const events: GeneratedEvent[] = []
  for (let i = 0; i < count; i++) {
    // random()^3 favours the first users: a few heavy users, a long tail of light ones.
    const user = users[Math.floor(random() ** 3 * users.length)]
    clock += Math.floor(random() * 900) + 20
    if (clock - user.sessionStart > 30 * 60_000) {
      user.sessionId = uuidV7(random, clock)
      user.sessionStart = clock
    }
    events.push(nextEvent(random, user, clock))
  }
  return events
}

if (import.meta.main) {
  const { values } = parseArgs({ options: { count: { type: 'string', default: '10000' }, seed: { type: 'string', default: '1' }, out: { type: 'string' } } })
  const count = Number(values.count)
  const seed = Number(values.seed)
  if (!Number.isInteger(count) || count < 1 || !Number.isInteger(seed)) {
    process.stderr.write('usage: node scripts/generate-events.ts [--count N] [--seed S] [--out file.jsonl]\n')
    process.exit(2)
  }
  const out = values.out ? createWriteStream(values.out) : process.stdout
  const events = generateEvents(count, seed)
  // Written in chunks: one 100k-event string would be ~100 MB.
  for (let i = 0; i < events.length; i += 1000) out.write(events.slice(i, i + 1000).map((e) => JSON.stringify(e)).join('\n') + '\n')
  if (values.out) (out as ReturnType<typeof createWriteStream>).end(() => process.stderr.write(`wrote ${count} events to ${values.out}\n`))
}
