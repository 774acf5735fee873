// The sandbox URL answers some setters without a trip to the host's parser (a hostname set to itself,
// `hash = ''` with no fragment, an already-encoded `search` on a special scheme). Each case here runs
// the same setters in the real runtime and in Node's WHATWG URL: every part must agree.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Runner } from './runner.ts'
import { loadFixtures, makeEvent } from './test-fixtures.ts'

type Op = [setter: string, value: string] | ['params', 'set' | 'delete' | 'append' | 'sort', ...string[]]
type Case = [url: string, ops: Op[]]

const PARTS = ['href', 'origin', 'protocol', 'username', 'password', 'host', 'hostname', 'port', 'pathname', 'search', 'hash'] as const

const PLUGIN = `
const PARTS = ${JSON.stringify(PARTS)}
function apply(url, ops) {
  const u = new URL(url)
  const params = u.searchParams
  for (const op of ops) {
    if (op[0] === 'params') params[op[1]](...op.slice(2))
    else u[op[0]] = op[1]
  }
  return [...PARTS.map((p) => u[p]), [...params].map((e) => e.join('=')).join('|'), u.toString()]
}
export function processEvent(event) {
  event.properties.results = event.properties.cases.map(([url, ops]) => apply(url, ops))
  return event
}
`

function expected(url: string, ops: Op[]): unknown[] {
  const u = new URL(url)
  const params = u.searchParams
  for (const op of ops) {
    if (op[0] === 'params') (params as unknown as Record<string, (...a: string[]) => void>)[op[1]](...(op.slice(2) as string[]))
    else (u as unknown as Record<string, string>)[op[0]] = op[1]
  }
  return [...PARTS.map((p) => u[p]), [...params].map((e) => e.join('=')).join('|'), u.toString()]
}

const kept = (q: string) => new URLSearchParams(new URLSearchParams(q)).toString()

const CASES: Case[] = [
  // hostname set to itself (special, non-special with an upper-case opaque host, IPv6, file, empty host)
  ['https://Example.COM/a?b=1#c', [['hostname', 'example.com']]],
  ['foo://EXAMPLE/x', [['hostname', 'EXAMPLE']]],
  ['foo://a%20b/x', [['hostname', 'a%20b']]],
  ['http://[::1]:8080/', [['hostname', '[::1]']]],
  ['file:///etc/hosts', [['hostname', '']]],
  ['file://localhost/etc', [['hostname', 'localhost']]],
  ['foo:/path', [['hostname', '']]],
  ['foo:///path', [['hostname', '']]],
  ['sc:opaque', [['hostname', '']]],
  ['https://example.com/', [['hostname', 'EXAMPLE.com']]],
  ['https://example.com/', [['hostname', 'other.org']]],
  // hash = '' with and without a fragment, an empty fragment
  ['https://example.com/a', [['hash', '']]],
  ['https://example.com/a#', [['hash', '']]],
  ['https://example.com/a?#', [['hash', '']]],
  ['https://example.com/a#x', [['hash', '']]],
  ['https://example.com/a?q=1#x', [['hash', '#']]],
  ['sc:opaque  #x', [['hash', '']]],
  ['sc:opaque', [['hash', '']]],
  // search: encoded values are spliced, the rest goes to the parser
  ['https://example.com/p?x=1#h', [['search', 'a=1&b=2']]],
  ['https://example.com/p?x=1#h', [['search', '?a=1']]],
  ['https://example.com/p?x=1#h', [['search', '?']]],
  ['https://example.com/p?x=1#h', [['search', '']]],
  ['https://example.com/p?#h', [['search', '']]],
  ['https://example.com/p#', [['search', 'z=%20']]],
  ['https://example.com/p', [['search', kept('b=2&a=x y&c=é&d=~!()*')]]],
  ['https://example.com/p?q', [['search', 'a b']]],
  ['https://example.com/p?q', [['search', "it's<\"#>"]]],
  ['https://example.com/p?q', [['search', 'é=ü']]],
  ['https://example.com/p?q', [['search', '??a']]],
  ['https://u:p@example.com:81/p?q', [['search', 'x=1']]],
  ['http://example.com', [['search', 'x=1']]],
  ['file:///C:/dir/file?q=1', [['search', 'y=2']]],
  ['ws://example.com/socket', [['search', 'x=1']]],
  ['ftp://example.com/f', [['search', 'x=1']]],
  ['foo://host/p?q#h', [['search', 'x=1']]],
  ['sc:opaque  ', [['search', '']]],
  ['sc:opaque  #h', [['search', '']]],
  ['sc:opaque  ?x', [['search', 'y=1']]],
  // the params object follows a spliced search, and a params edit splices back
  ['https://example.com/p?a=1&b=2#h', [['search', 'c=3'], ['params', 'append', 'd', 'x y']]],
  ['https://example.com/p?a=1&b=2#h', [['params', 'delete', 'a'], ['params', 'delete', 'b']]],
  ['https://example.com/p?utm_source=x&b=2&a=1#h', [['params', 'delete', 'utm_source'], ['params', 'sort']]],
  ['sc:opaque  ?a=1', [['params', 'delete', 'a']]],
  // the URL plugin's normalisation sequence
  ['HTTPS://WWW.Example.com/Path/?utm_source=x&b=2&a=1#top', [['hostname', 'www.example.com'], ['hash', ''], ['search', 'a=1&b=2']]],
  ['https://example.com/path/', [['hostname', 'example.com'], ['hash', ''], ['search', '']]],
]

let runner: Runner
let dir: string
before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'url-fast-path-'))
  writeFileSync(join(dir, 'plugin.json'), JSON.stringify({ name: 'URL fast path', config: [] }))
  writeFileSync(join(dir, 'index.js'), PLUGIN)
  runner = await Runner.start()
})
after(async () => {
  await runner?.close()
  rmSync(dir, { recursive: true, force: true })
})

test("URL setters answered in the isolate agree with Node's WHATWG URL, part by part", async () => {
  const load = await loadFixtures(runner, [{ id: 'url-fast-path', dir, config: {}, attachments: {} }])
  assert.equal(load.setup[0].error, null)
  const [r] = await runner.processEvents([makeEvent({ properties: { cases: CASES } })])
  assert.equal(r.error, null, r.logs.map((l) => l.message).join('\n'))
  const results = r.output!.properties!.results as unknown[][]
  CASES.forEach(([url, ops], i) => {
    assert.deepEqual(results[i], expected(url, ops), `${url} ${JSON.stringify(ops)}`)
  })
})
