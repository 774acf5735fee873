import { Pipeline } from './runtime/pipeline.ts'
const browsers = ['Chrome', 'Firefox', 'Safari', 'Edge']
const mk = (i: number) => ({ uuid: `u-${i}`, event: '$pageview', distinct_id: `d${i % 500}`, ip: '1.2.3.4', site_url: 'https://app.example.com', team_id: 2, now: '2024-01-01T00:00:00Z', timestamp: '2024-01-01T00:00:00Z',
  properties: { $current_url: `https://www.example.com/p/${i % 97}/?utm_source=news&x=${i}`, $browser: browsers[i % 4], $os: i % 3 ? 'Linux' : 'Android', $lib: 'web', $lib_version: '1.2.3', $screen_width: 1920, $screen_height: 1080, $referrer: 'https://google.com', $device_id: `dev-${i}`, $session_id: `s-${i % 50}`, $insert_id: `ins-${i}`, token: 'phc_123' } })
const N = 5000
const events = Array.from({ length: N }, (_, i) => mk(i))
const p = new Pipeline(() => {})
const fns: Record<string, any> = {}
for (const name of ['plain', 'enrich', 'url']) fns[name] = (await import(`/tmp/ivt/bench/${name}/index.js`)).processEvent
const cacheMap = new Map<string, string>()
const cache = { get: async (k: string, d: unknown) => (cacheMap.has(k) ? JSON.parse(cacheMap.get(k)!) : d), set: async (k: string, v: unknown) => { cacheMap.set(k, JSON.stringify(v)) } }
const what = process.argv[2] ?? 'pipe'
for (const name of ['plain', 'enrich', 'url']) {
  await p.load({ plugins: [{ id: name, dir: `/tmp/ivt/bench/${name}`, config: {}, attachments: {} }], options: { timeoutMs: 30000, memoryMb: 64, teamId: 2 } })
  await p.processEvents(events.slice(0, 1000))
  const best = { pipe: Infinity, direct: Infinity, copy: Infinity }
  for (let round = 0; round < 5; round++) {
    let t = performance.now()
    for (let i = 0; i < N; i += 100) await p.processEvents(events.slice(i, i + 100))
    best.pipe = Math.min(best.pipe, ((performance.now() - t) / N) * 1000)
    t = performance.now()
    for (const e of events) JSON.parse(JSON.stringify(await fns[name](JSON.parse(JSON.stringify(e)), { config: { team: 'growth' }, cache, global: {} })))
    best.direct = Math.min(best.direct, ((performance.now() - t) / N) * 1000)
  }
  console.log(name, `pipeline(in-process) ${best.pipe.toFixed(1)} µs/ev; direct+JSON ${best.direct.toFixed(1)} µs/ev; ratio ${(best.direct / best.pipe).toFixed(2)}`)
}
