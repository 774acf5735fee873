import assert from 'node:assert/strict'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { after, before, test } from 'node:test'
import { createVirtualClock } from '../clock.ts'
import type { FetchFixture, FetchPolicy } from './fetch-policy.ts'
import { FetchRefusedError, bodyHash, checkFetch, createFetchRecorder, performFetch, redactHeaders } from './fetch-policy.ts'

let base = ''
let hits = 0
const server = createServer((req, res) => {
  hits++
  const chunks: Buffer[] = []
  req.on('data', (c: Buffer) => chunks.push(c))
  req.on('end', () => {
    if (req.url === '/redirect-to-metadata') {
      res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' })
      return res.end()
    }
    if (req.url === '/redirect-home') {
      res.writeHead(301, { location: '/echo' })
      return res.end()
    }
    res.writeHead(200, { 'content-type': 'application/json', 'set-cookie': 'session=secret' })
    res.end(JSON.stringify({ method: req.method, url: req.url, body: Buffer.concat(chunks).toString('utf8') }))
  })
})

before(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  server.unref() // bounded: never keeps the test process alive
})
after(() => new Promise<void>((resolve) => server.close(() => resolve())))

const allowLocal: FetchPolicy = { mode: 'allow', allowHosts: ['127.0.0.1'] }

function decode(bodyBase64: string): unknown {
  return JSON.parse(Buffer.from(bodyBase64, 'base64').toString('utf8'))
}

test('allow mode fetches from an allowed host and records request, response and virtual time', async () => {
  const clock = createVirtualClock({ start: Date.UTC(2022, 7, 12) })
  const recorder = createFetchRecorder({ now: clock.now })
  await clock.advance(90_000)
  const response = await performFetch(allowLocal, recorder, {
    url: `${base}/echo?x=1`,
    method: 'post',
    headers: [['Authorization', 'Bearer phx_123'], ['Cookie', 'a=b'], ['content-type', 'application/json'], ['X-Api-Key', 'k']],
    body: '{"hello":1}',
  })
  assert.equal(response.status, 200)
  assert.deepEqual(decode(response.bodyBase64), { method: 'POST', url: '/echo?x=1', body: '{"hello":1}' })
  assert.ok(response.headers.some(([k]) => k === 'content-type'))
  assert.deepEqual(JSON.parse(JSON.stringify(response)), response) // JSON-serialisable as it is
  const [record] = recorder.records()
  assert.equal(record.url, `${base}/echo?x=1`)
  assert.equal(record.method, 'POST')
  assert.equal(record.status, 200)
  assert.equal(record.time, Date.UTC(2022, 7, 12) + 90_000)
  assert.equal(record.source, 'network')
  assert.ok(record.durationMs >= 0)
  assert.deepEqual(record.requestHeaders, [['Authorization', '[redacted]'], ['Cookie', '[redacted]'], ['content-type', 'application/json'], ['X-Api-Key', '[redacted]']])
  assert.match(record.responseBodyPreview ?? '', /"hello/)
})

test('hosts not allowed, deny mode and odd schemes fail with an error naming the URL and the setting', async () => {
  const recorder = createFetchRecorder({ now: () => 0 })
  const before = hits
  await assert.rejects(performFetch({ mode: 'allow', allowHosts: ['api.example.com'] }, recorder, { url: `${base}/echo` }), (error: Error) => {
    assert.ok(error instanceof FetchRefusedError)
    assert.match(error.message, new RegExp(`fetch to ${base}/echo refused: the host "127.0.0.1:\\d+" is not in allowHosts \\(api.example.com\\)`))
    assert.match(error.message, /Settings → Network/)
    return true
  })
  await assert.rejects(performFetch({ mode: 'deny', allowHosts: ['*'] }, recorder, { url: `${base}/echo` }), /network setting is "deny"/)
  assert.equal(hits, before) // nothing reached the server
  assert.deepEqual(recorder.records().map((r) => r.source), ['refused', 'refused'])

  const open: FetchPolicy = { mode: 'allow', allowHosts: ['*'] }
  assert.match(checkFetch(open, 'file:///etc/passwd') ?? '', /the file: scheme is not allowed\. Add "file:" to allowSchemes/)
  assert.match(checkFetch(open, 'ftp://example.com/x') ?? '', /ftp: scheme is not allowed/)
  assert.equal(checkFetch(open, 'data:text/plain,hello'), null)
  assert.match(checkFetch(open, `data:text/plain,${'a'.repeat(70_000)}`) ?? '', /data: URL of \d+ characters/)
  assert.equal(checkFetch({ ...open, allowSchemes: ['data'] }, `data:text/plain,${'a'.repeat(70_000)}`), null)
  assert.match(checkFetch(open, 'not a url') ?? '', /not a valid absolute URL/)
  assert.match(checkFetch({ mode: 'offline' as 'deny', allowHosts: [] }, 'https://a.example/') ?? '', /network setting is not valid \(mode "offline"/)
  assert.equal(checkFetch({ mode: 'allow', allowHosts: ['*.example.com'] }, 'https://api.example.com/x'), null)
  assert.notEqual(checkFetch({ mode: 'allow', allowHosts: ['*.example.com'] }, 'https://example.com.evil.io/x'), null)
})

test('link-local and cloud metadata addresses are refused even with "*", unless named exactly', () => {
  const open: FetchPolicy = { mode: 'allow', allowHosts: ['*'] }
  for (const url of [
    'http://169.254.169.254/latest/meta-data/',
    'http://2852039166/', // 169.254.169.254 in decimal
    'http://[fd00:ec2::254]/latest/',
    'http://[fe80::1]/',
    'http://[::ffff:169.254.169.254]/',
    'http://metadata.google.internal/computeMetadata/v1/',
    'http://169.254.10.1:8080/',
  ]) {
    assert.match(checkFetch(open, url) ?? '', /link-local or cloud metadata address/, url)
  }
  assert.equal(checkFetch({ mode: 'allow', allowHosts: ['169.254.169.254'] }, 'http://169.254.169.254/latest/'), null)
  assert.equal(checkFetch({ mode: 'allow', allowHosts: ['[fd00:ec2::254]'] }, 'http://[fd00:ec2::254]/latest/'), null)
})

test('a redirect towards a refused address is stopped; an allowed one is followed', async () => {
  const recorder = createFetchRecorder({ now: () => 0 })
  await assert.rejects(
    performFetch({ mode: 'allow', allowHosts: ['*', '127.0.0.1'] }, recorder, { url: `${base}/redirect-to-metadata` }),
    /169\.254\.169\.254 is a link-local or cloud metadata address.*\(redirected from/,
  )
  const followed = await performFetch(allowLocal, recorder, { url: `${base}/redirect-home` })
  assert.equal(followed.redirected, true)
  assert.equal(followed.url, `${base}/echo`)
  assert.deepEqual(decode(followed.bodyBase64), { method: 'GET', url: '/echo', body: '' })
  const manual = await performFetch(allowLocal, recorder, { url: `${base}/redirect-home`, redirect: 'manual' })
  assert.equal(manual.status, 301)
})

test('fixtures mode answers offline from recorded responses, matched by method, URL and body hash', async () => {
  const live = createFetchRecorder({ now: () => 0 })
  await performFetch(allowLocal, live, { url: `${base}/echo?page=1` })
  await performFetch(allowLocal, live, { url: `${base}/echo`, method: 'POST', body: 'A' })
  await performFetch(allowLocal, live, { url: `${base}/echo`, method: 'POST', body: 'B' })
  const fixtures: FetchFixture[] = JSON.parse(JSON.stringify(live.recordedFixtures())) // as saved to a file
  assert.equal(fixtures.length, 3)
  assert.equal(fixtures[1].bodyHash, bodyHash('A'))
  assert.deepEqual(fixtures[0].response.headers.find(([k]) => k === 'set-cookie'), ['set-cookie', '[redacted]'])

  const before = hits
  const offline = createFetchRecorder({ now: () => 5, fixtures })
  const policy: FetchPolicy = { mode: 'fixtures', allowHosts: ['127.0.0.1'] }
  const page = await performFetch(policy, offline, { url: `${base}/echo?page=1` })
  assert.deepEqual(decode(page.bodyBase64), { method: 'GET', url: '/echo?page=1', body: '' })
  const b = await performFetch(policy, offline, { url: `${base}/echo`, method: 'POST', body: 'B' })
  assert.deepEqual(decode(b.bodyBase64), { method: 'POST', url: '/echo', body: 'B' })
  assert.equal(hits, before) // no network
  assert.deepEqual(offline.records().map((r) => [r.source, r.status, r.time]), [['fixture', 200, 5], ['fixture', 200, 5]])

  await assert.rejects(performFetch(policy, offline, { url: `${base}/echo`, method: 'POST', body: 'C' }), (error: Error) => {
    assert.match(error.message, new RegExp(`^No recorded fixture for POST ${base}/echo \\(body sha256 [0-9a-f]{12}…\\)`))
    assert.match(error.message, /set to "allow"/)
    return true
  })
  await assert.rejects(performFetch(policy, offline, { url: 'https://elsewhere.example/' }), /not in allowHosts/)
})

test('several fixtures for one request answer in order, the last one repeating', async () => {
  const response = (n: number) => ({ status: 200, statusText: 'OK', headers: [], bodyBase64: Buffer.from(String(n)).toString('base64'), url: 'https://api.example.com/poll', redirected: false })
  const recorder = createFetchRecorder({
    now: () => 0,
    fixtures: [1, 2].map((n) => ({ method: 'GET', url: 'https://api.example.com/poll', response: response(n) })),
  })
  const policy: FetchPolicy = { mode: 'fixtures', allowHosts: ['api.example.com'] }
  const bodies: string[] = []
  for (let i = 0; i < 3; i++) bodies.push(Buffer.from((await performFetch(policy, recorder, { url: 'https://api.example.com/poll' })).bodyBase64, 'base64').toString())
  assert.deepEqual(bodies, ['1', '2', '2'])
  assert.throws(() => createFetchRecorder({ now: () => 0, fixtures: [{ method: 'GET', url: 'nope', response: response(1) }] }), /Fetch fixture 1 has no valid absolute URL/)
})

test('network failures are recorded with the error and rethrown', async () => {
  const recorder = createFetchRecorder({ now: () => 0 })
  const failing = (async () => {
    throw new TypeError('fetch failed')
  }) as unknown as typeof fetch
  await assert.rejects(performFetch({ mode: 'allow', allowHosts: ['*'] }, recorder, { url: 'https://api.example.com/' }, failing), /fetch failed/)
  assert.deepEqual(recorder.records().map((r) => [r.status, r.error]), [[null, 'fetch failed']])
  assert.deepEqual(redactHeaders([['proxy-authorization', 'x'], ['x-session-token', 'y'], ['accept', '*/*']]), [['proxy-authorization', '[redacted]'], ['x-session-token', '[redacted]'], ['accept', '*/*']])
})

test('loopback (the studio\'s own machine) is refused under "*" unless allowHosts names it', async () => {
  const recorder = createFetchRecorder({ now: () => 0 })
  for (const url of [`${base}/echo`, 'http://localhost:9/x', 'http://[::1]:9/x', 'http://127.1.2.3/x', 'http://0.0.0.0/x']) {
    const refused = checkFetch({ mode: 'allow', allowHosts: ['*'] }, url)
    assert.match(refused ?? '', /is this machine \(loopback\).*exactly in allowHosts/, url)
  }
  await assert.rejects(performFetch({ mode: 'allow', allowHosts: ['*'] }, recorder, { url: `${base}/echo` }), /allowHosts/)
  const allowed = await performFetch({ mode: 'allow', allowHosts: ['*', '127.0.0.1'] }, recorder, { url: `${base}/echo` })
  assert.equal(allowed.status, 200)
})
