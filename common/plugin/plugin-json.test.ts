import { test } from 'node:test'
import assert from 'node:assert/strict'
import { configSchemaArray, defaultConfig, parsePluginJson, positionAt } from './plugin-json.ts'

const ARRAY_FORM = {
  name: 'Geo enricher',
  config: [
    { markdown: 'Read the [docs](https://example.com/docs).' },
    { key: 'host', name: 'Host', type: 'string', default: 'https://app.example.com', required: true },
    { key: 'mode', name: 'Mode', type: 'choice', choices: ['fast', 'exact'], default: 'fast' },
    { key: 'table', name: 'Lookup table', type: 'attachment' },
  ],
}

const OBJECT_FORM = {
  name: 'Geo enricher',
  config: {
    table: { name: 'Lookup table', type: 'attachment', order: 3 },
    mode: { name: 'Mode', type: 'choice', choices: ['fast', 'exact'], default: 'fast', order: 2 },
    host: { name: 'Host', type: 'string', default: 'https://app.example.com', required: true, order: 1 },
  },
}

test('parsePluginJson reads both config forms into the array form', () => {
  const parsed = parsePluginJson(JSON.stringify(ARRAY_FORM))
  assert.ok(parsed.ok)
  assert.equal(parsed.plugin.name, 'Geo enricher')
  assert.deepEqual(
    parsed.plugin.config.map((f) => f.key ?? 'markdown'),
    ['markdown', 'host', 'mode', 'table'],
  )
})

test('legacy object form and array form give the same fields (object sorted by order)', () => {
  const fromObject = configSchemaArray(OBJECT_FORM.config).map(({ order: _order, ...rest }) => rest)
  const fromArray = configSchemaArray(ARRAY_FORM.config).filter((f) => f.key)
  assert.deepEqual(fromObject, fromArray)
})

test('object form without order keeps insertion order after the ordered ones (order || 999999)', () => {
  const fields = configSchemaArray({ b: { type: 'string' }, a: { type: 'string', order: 5 }, c: { type: 'string', order: 0 } })
  assert.deepEqual(
    fields.map((f) => f.key),
    ['a', 'b', 'c'],
  )
})

test('defaultConfig takes the defaults of keyed fields, as strings, never for attachments', () => {
  assert.deepEqual(defaultConfig(configSchemaArray(ARRAY_FORM.config)), { host: 'https://app.example.com', mode: 'fast' })
  assert.deepEqual(defaultConfig(configSchemaArray(OBJECT_FORM.config)), { host: 'https://app.example.com', mode: 'fast' })
  assert.deepEqual(defaultConfig([{ markdown: 'x', default: 'y' }, { key: 'n', type: 'string', default: 3 as unknown as string }]), { n: '3' })
})

test('parsePluginJson: invalid JSON fails with a position, a non-object fails', () => {
  const bad = parsePluginJson('{\n  "name": "x",\n  oops\n}')
  assert.equal(bad.ok, false)
  assert.match(bad.problems[0]!.message, /^Not valid JSON/)
  assert.equal(bad.problems[0]!.line, 3)
  assert.equal(parsePluginJson('[]').ok, false)
  assert.equal(parsePluginJson('{"config": 3}').ok, false)
})

test('positionAt gives 1-based line and column', () => {
  assert.deepEqual(positionAt('ab\ncd', 0), { line: 1, column: 1 })
  assert.deepEqual(positionAt('ab\ncd', 4), { line: 2, column: 2 })
})
