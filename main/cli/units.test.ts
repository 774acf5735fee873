// The CLI's pure helpers: [N:]KEY=VALUE, config files, the property diff, secret masking.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { InputError } from './cli-error.ts'
import { parseAssignment, readConfigFile } from './plugin-settings.ts'
import { diffEvents } from './property-diff.ts'
import { createMasker, MASK, secretValues } from './secret-mask.ts'

test('[N:]KEY=VALUE splits at the first = and defaults to plugin 1', () => {
  assert.deepEqual(parseAssignment('--config', 'url=https://x.io/?a=b', 2), { index: 1, key: 'url', value: 'https://x.io/?a=b' })
  assert.deepEqual(parseAssignment('--config', '2:key=', 2), { index: 2, key: 'key', value: '' })
  assert.deepEqual(parseAssignment('--config', '1:a:b=c', 1), { index: 1, key: 'a:b', value: 'c' })
  assert.throws(() => parseAssignment('--config', '=x', 1), InputError)
  assert.throws(() => parseAssignment('--config', '3:a=b', 2), /there is no plugin 3/)
})

test('config files: flat or per plugin, scalars become strings', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cfg-'))
  const flat = join(dir, 'flat.json')
  writeFileSync(flat, JSON.stringify({ a: 'x', n: 3, b: true }))
  assert.deepEqual(readConfigFile(flat, 2), [{ a: 'x', n: '3', b: 'true' }, {}])
  const per = join(dir, 'per.json')
  writeFileSync(per, JSON.stringify({ '2': { a: 'y' } }))
  assert.deepEqual(readConfigFile(per, 2), [{}, { a: 'y' }])
  assert.throws(() => readConfigFile(per, 1), /there is no plugin 2/)
  writeFileSync(per, '[1]')
  assert.throws(() => readConfigFile(per, 1), /expected a JSON object/)
})

test('the diff names added, removed and changed paths', () => {
  const before = { event: 'a', ip: '1.2.3.4', properties: { keep: 1, change: 'x', list: [1], nested: { a: 1 }, 'odd key': 1 } }
  const after = { event: 'b', properties: { keep: 1, change: 'y', list: [1, 2], nested: { a: 1, b: 2 }, 'odd key': 2, added: true } }
  assert.deepEqual(diffEvents(before, after), [
    { kind: 'changed', path: 'event', before: 'a', after: 'b' },
    { kind: 'removed', path: 'ip', before: '1.2.3.4' },
    { kind: 'changed', path: 'properties.change', before: 'x', after: 'y' },
    { kind: 'changed', path: 'properties.list', before: [1], after: [1, 2] },
    { kind: 'added', path: 'properties.nested.b', after: 2 },
    { kind: 'changed', path: 'properties["odd key"]', before: 1, after: 2 },
    { kind: 'added', path: 'properties.added', after: true },
  ])
  assert.deepEqual(diffEvents(before, structuredClone(before)), [])
  assert.deepEqual(diffEvents({ event: 'e' }, { event: 'e', properties: { a: 1, n: { b: [] } } }), [
    { kind: 'added', path: 'properties.a', after: 1 },
    { kind: 'added', path: 'properties.n.b', after: [] },
  ])
})

test('secrets are masked wherever they appear', () => {
  const fields = [{ key: 'token', secret: true }, { key: 'plain' }, { key: 'defaulted', secret: true, default: 'dflt-secret' }]
  const secrets = secretValues(fields, { token: 'abcd1234', plain: 'visible' })
  assert.deepEqual(secrets, ['abcd1234', 'dflt-secret'])
  const mask = createMasker(secrets)
  assert.equal(mask('token=abcd1234; again abcd1234; visible'), `token=${MASK}; again ${MASK}; visible`)
  assert.equal(createMasker(['ab'])('ab cab'), 'ab cab')
  assert.equal(createMasker(['ab'])('ab'), MASK)
})

test('the human report colours only when told to (stdout is a terminal)', async () => {
  const { createTextReporter } = await import('./text-report.ts')
  const { renderReport } = await import('./run-outcome.ts')
  const input = { uuid: 'u-1', event: '$pageview', distinct_id: 'd', ip: null, site_url: 's', team_id: 2, now: 'n', properties: { a: 1 } }
  const head = {
    plugins: [{ id: 'p', given: './p', dir: '/p', json: { name: 'P', config: [{ key: 'token', secret: true }], raw: {} }, config: { token: 'tok-secret-1' }, attachments: [] }],
    setup: [{ plugin: 'p', name: 'P', error: null, logs: [], capabilities: { methods: [], jobs: [], scheduled_tasks: [] }, setup: 'ready' as const }],
    total: 1,
  }
  const results = [{ input, output: { ...input, properties: { a: 2 } }, error: null, logs: [{ level: 'warn' as const, message: 'x tok-secret-1', source: 'CONSOLE' as const, plugin: 'p', time: 0 }], droppedBy: null, stages: [] }]
  const tail = { teardown: [], crashes: [], durationMs: 1 }
  const mask = createMasker(['tok-secret-1'])
  const plain = renderReport(createTextReporter(mask, false), head, [input], results, tail)
  const coloured = renderReport(createTextReporter(mask, true), head, [input], results, tail)
  assert.ok(!plain.includes('\u001b['))
  assert.ok(coloured.includes('\u001b['))
  assert.match(plain, /~ properties\.a: 1 → 2/)
  assert.match(plain, /token=••••••/)
  assert.match(plain, /1 event: 1 changed, 0 unchanged, 0 dropped, 0 with errors/)
  assert.ok(!plain.includes('tok-secret-1') && !coloured.includes('tok-secret-1'))
})

test('the JSON report is one JSON object however it was written in pieces', async () => {
  const { createJsonReporter } = await import('./json-report.ts')
  const { renderReport } = await import('./run-outcome.ts')
  const input = { uuid: 'u-1', event: 'e', distinct_id: 'd', ip: null, site_url: 's', team_id: 2, now: 'n' }
  const result = { input, output: null, error: 'Error: x secret-value', logs: [], droppedBy: 'p', stages: [] }
  const text = renderReport(
    createJsonReporter(createMasker(['secret-value'])),
    { plugins: [], setup: [], total: 2 },
    [input, input],
    [result, result],
    { teardown: [], crashes: [], durationMs: 3 },
  )
  const report = JSON.parse(text) as { results: { output: null; error: string }[]; summary: { events: number; dropped: number; errors: number } }
  assert.equal(report.results.length, 2)
  assert.equal(report.results[0].error, 'Error: x ••••••')
  assert.deepEqual({ ...report.summary, durationMs: undefined }, { events: 2, dropped: 2, errors: 2, setupErrors: 0, durationMs: undefined })
})
