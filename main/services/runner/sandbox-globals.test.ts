// What the sandbox gives a plugin (and what it withholds), through the real runtime process.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { createHash, createHmac } from 'node:crypto'
import { Runner } from './runner.ts'
import { loadFixtures, makeEvent } from './test-fixtures.ts'

let runner: Runner
before(async () => {
  runner = await Runner.start()
})
after(async () => {
  await runner?.close()
})

test('crypto, url, zlib, stream, scaffold, node-fetch, Buffer, TextEncoder/Decoder and Intl work; process, setTimeout and require do not', async () => {
  const load = await loadFixtures(runner, ['sandbox-globals'])
  assert.equal(load.setup[0].error, null)
  const [r] = await runner.processEvents([makeEvent()])
  assert.equal(r.error, null, r.logs.map((l) => l.message).join('\n'))
  const c = r.output!.properties!.checks as Record<string, unknown>
  assert.equal(c.md5, createHash('md5').update('hello').digest('hex'))
  assert.equal(c.sha256, createHash('sha256').update('hello').digest('base64'))
  assert.equal(c.hmac, createHmac('sha256', 'key').update('hello').digest('hex'))
  assert.equal(c.uuidShape, true)
  assert.equal(c.randomBytesLength, 16)
  const u = new URL('https://user:pw@Example.com:8080/a/../b?x=1&y=two+words#frag')
  assert.deepEqual(c.url, [u.href, u.hostname, u.port, u.pathname, u.searchParams.get('y'), u.hash])
  u.searchParams.set('z', 'a&b')
  u.pathname = '/c d'
  assert.equal(c.urlAfterSet, u.href)
  assert.equal(c.urlFromModuleIsGlobal, true)
  assert.deepEqual(c.legacyParse, { q: '1' })
  assert.equal(c.searchParams, 'a=1&b=x+y')
  assert.equal(c.invalidUrl, 'TypeError: Invalid URL')
  assert.equal(c.gunzip, 'zip me')
  assert.equal(c.inflate, 'deflate me')
  assert.equal(c.gzipCallback, 'cb')
  assert.equal(c.textRoundTrip, 'héllo ✓')
  assert.equal(c.bufferBase64, Buffer.from('hi there').toString('base64'))
  assert.equal(c.retryErrorIsGlobal, true)
  assert.equal(c.retryErrorText, 'RetryError: try later')
  assert.equal(c.nodeFetchIsFetch, true)
  assert.equal(c.passThrough, 'ab')
  assert.equal(c.noProcess, 'undefined')
  assert.equal(c.noSetTimeout, 'undefined')
  assert.equal(c.noRequire, "Cannot import 'fs'! This package is not provided by PostHog in plugins.")
  assert.equal(c.intl, new Intl.DateTimeFormat('en-US', { timeZone: 'America/New_York', hour: 'numeric', hour12: false }).format(new Date('2021-06-01T12:00:00Z')))
})

test("console output is captured with its level in PostHog's format", async () => {
  await loadFixtures(runner, ['esm-enrich'])
  const [r] = await runner.processEvents([makeEvent()])
  const setupLog = r.logs.find((l) => l.source === 'CONSOLE' && l.level === 'info')
  assert.equal(setupLog?.message, 'setup with {"greeting":"hello"}')
  assert.equal(r.logs.find((l) => l.level === 'log')?.message, 'processed $pageview 1')
})
