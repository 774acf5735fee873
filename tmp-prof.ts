import { Pipeline } from './runtime/pipeline.ts'
const mk = (i: number) => ({ uuid: `u-${i}`, event: '$pageview', distinct_id: `d${i % 500}`, ip: '1.2.3.4', site_url: 'https://app.example.com', team_id: 2, now: '2024-01-01T00:00:00Z', timestamp: '2024-01-01T00:00:00Z',
  properties: { $current_url: `https://www.example.com/p/${i % 97}/?utm_source=news&x=${i}`, $browser: 'Chrome', $os: 'Linux', $lib: 'web', $lib_version: '1.2.3', $screen_width: 1920, $screen_height: 1080, $referrer: 'https://google.com', $device_id: `dev-${i}`, $session_id: `s-${i % 50}`, $insert_id: `ins-${i}`, token: 'phc_123' } })
const N = 20000
const events = Array.from({ length: N }, (_, i) => mk(i))
const p = new Pipeline(() => {})
await p.load({ plugins: [{ id: 'plain', dir: `/tmp/ivt/bench/plain`, config: {}, attachments: {} }], options: { timeoutMs: 30000, memoryMb: 64, teamId: 2 } })
for (let r = 0; r < 3; r++) {
  const t = performance.now()
  for (let i = 0; i < N; i += 100) await p.processEvents(events.slice(i, i + 100))
  console.log((((performance.now() - t) / N) * 1000).toFixed(1))
}
