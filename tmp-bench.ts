import { Runner } from './main/services/runner/runner.ts'
const browsers = ['Chrome', 'Firefox', 'Safari', 'Edge']
const mk = (i: number) => ({ uuid: `u-${i}`, event: '$pageview', distinct_id: `d${i % 500}`, ip: '1.2.3.4', site_url: 'https://app.example.com', team_id: 2, now: '2024-01-01T00:00:00Z', timestamp: '2024-01-01T00:00:00Z',
  properties: { $current_url: `https://www.example.com/p/${i % 97}/?utm_source=news&x=${i}`, $browser: browsers[i % 4], $os: i % 3 ? 'Linux' : 'Android', $lib: 'web', $lib_version: '1.2.3', $screen_width: 1920, $screen_height: 1080, $referrer: 'https://google.com', $device_id: `dev-${i}`, $session_id: `s-${i % 50}`, $insert_id: `ins-${i}`, token: 'phc_123' } })
const N = Number(process.env.N ?? 20000)
const events = Array.from({ length: N }, (_, i) => mk(i))
const runner = await Runner.start()
for (const name of ['plain', 'enrich', 'url']) {
  const spec = { id: name + Math.random(), dir: `/tmp/ivt/bench/${name}`, config: {}, attachments: {} }
  const opts = { timeoutMs: 30000, memoryMb: 64, teamId: 2 }
  await runner.load({ plugins: [spec], options: opts })
  // cold start: load + first event (setup) measured in the runtime by stage durations; wall time from here
  const coldTimes: number[] = []
  for (let k = 0; k < 5; k++) {
    const t = performance.now(); await runner.load({ plugins: [{ ...spec, id: spec.id + k }], options: opts }); await runner.processEvents([]); coldTimes.push(performance.now() - t)
  }
  // per event
  for (let i = 0; i < 200; i++) await runner.processEvents([events[i]])
  let t = performance.now(); const M = 2000
  for (let i = 0; i < M; i++) await runner.processEvents([events[i]])
  const perEvent = ((performance.now() - t) / M) * 1000
  // batched
  for (const size of [100, 1000]) {
    t = performance.now()
    for (let i = 0; i < N; i += size) await runner.processEvents(events.slice(i, i + size))
    const batched = ((performance.now() - t) / N) * 1000
    console.log(name, `batch ${size}: ${batched.toFixed(1)} µs/event`)
  }
  const status = await runner.status()
  console.log(name, `cold load+setup (ms): ${coldTimes.map((x) => x.toFixed(1)).join(' ')}; per-event round trip ${perEvent.toFixed(1)} µs; heap ${JSON.stringify(Object.values(status.isolateHeapBytes).map((b) => (b / 1048576).toFixed(2) + 'MiB'))}`)
}
await runner.close()
// Direct baseline with JSON copy
const { processEvent: enrichFn } = await import('/tmp/ivt/bench/enrich/index.js')
const { processEvent: urlFn } = await import('/tmp/ivt/bench/url/index.js')
const cacheMap = new Map<string, string>()
const cache = { get: async (k: string, d: unknown) => (cacheMap.has(k) ? JSON.parse(cacheMap.get(k)!) : d), set: async (k: string, v: unknown) => { cacheMap.set(k, JSON.stringify(v)) } }
for (const [name, fn] of [['enrich', enrichFn], ['url', urlFn]] as const) {
  let t = performance.now()
  for (const e of events) JSON.parse(JSON.stringify(await fn(JSON.parse(JSON.stringify(e)), { config: { team: 'growth' }, cache })))
  console.log(name, `direct+JSON copy: ${(((performance.now() - t) / N) * 1000).toFixed(1)} µs/event`)
}
