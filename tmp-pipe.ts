import { Pipeline } from './runtime/pipeline.ts'
const browsers = ['Chrome', 'Firefox', 'Safari', 'Edge']
const mk = (i: number) => ({ uuid: `u-${i}`, event: '$pageview', distinct_id: `d${i % 500}`, ip: '1.2.3.4', site_url: 'https://app.example.com', team_id: 2, now: '2024-01-01T00:00:00Z', timestamp: '2024-01-01T00:00:00Z',
  properties: { $current_url: `https://www.example.com/p/${i % 97}/?utm_source=news&x=${i}`, $browser: browsers[i % 4], $os: i % 3 ? 'Linux' : 'Android', $lib: 'web', $lib_version: '1.2.3', $screen_width: 1920, $screen_height: 1080, $referrer: 'https://google.com', $device_id: `dev-${i}`, $session_id: `s-${i % 50}`, $insert_id: `ins-${i}`, token: 'phc_123' } })
const N = 20000
const events = Array.from({ length: N }, (_, i) => mk(i))
const p = new Pipeline(() => {})
for (const name of ['plain', 'enrich', 'url']) {
  await p.load({ plugins: [{ id: name, dir: `/tmp/ivt/bench/${name}`, config: {}, attachments: {} }], options: { timeoutMs: 30000, memoryMb: 64, teamId: 2 } })
  await p.processEvents(events.slice(0, 1000))
  let t = performance.now()
  for (let i = 0; i < N; i += 100) await p.processEvents(events.slice(i, i + 100))
  const inproc = ((performance.now() - t) / N) * 1000
  t = performance.now()
  let size = 0
  for (let i = 0; i < N; i += 100) { const r = await p.processEvents(events.slice(i, i + 100)); const s = JSON.stringify(r); size += s.length; JSON.parse(s) }
  const withJson = ((performance.now() - t) / N) * 1000
  console.log(name, `in-process ${inproc.toFixed(1)} µs/event; +JSON of results ${withJson.toFixed(1)} µs/event; ${(size / N).toFixed(0)} bytes/event`)
}
const t = performance.now(); for (const e of events) JSON.parse(JSON.stringify(e)); console.log('json copy', (((performance.now() - t) / N) * 1000).toFixed(1))
