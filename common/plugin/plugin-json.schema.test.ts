import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Ajv } from 'ajv'
import { PLUGIN_JSON_SCHEMA } from './plugin-json.schema.ts'

const ajv = new Ajv({ allErrors: true, strict: false })
const validate = ajv.compile(PLUGIN_JSON_SCHEMA)

function accepts(doc: unknown): boolean {
  return validate(doc) as boolean
}

test('the schema is valid draft-07 and accepts both config forms', () => {
  assert.ok(ajv.validateSchema(PLUGIN_JSON_SCHEMA))
  assert.ok(
    accepts({
      name: 'x',
      config: [
        { markdown: 'Hello' },
        { key: 'a', name: 'A', type: 'string', default: 'd', hint: 'h', required: true, secret: true },
        { key: 'b', type: 'choice', choices: ['1', '2'], visible_if: [['a'], ['a', 'v']], required_if: [['a', 'v']] },
        { key: 'c', type: 'attachment' },
        { key: 'd', type: 'json', site: true },
      ],
    }),
    JSON.stringify(validate.errors),
  )
  assert.ok(accepts({ name: 'x', config: { a: { type: 'string', order: 1 }, b: { type: 'choice', choices: ['q'] } } }), JSON.stringify(validate.errors))
  assert.ok(accepts({ name: 'x', publicJobs: { backfill: { payload: { from: { type: 'date', required: true } } } } }))
})

test('the schema rejects what PostHog cannot render', () => {
  assert.equal(accepts({ config: [] }), false, 'no name')
  assert.equal(accepts({ name: 'x', config: [{ key: 'a', type: 'boolean' }] }), false, 'unknown type')
  assert.equal(accepts({ name: 'x', config: [{ key: 'a', type: 'choice' }] }), false, 'choice without choices')
  assert.equal(accepts({ name: 'x', config: [{ key: 'a', type: 'choice', choices: [] }] }), false, 'empty choices')
  assert.equal(accepts({ name: 'x', config: [{ key: 'a', type: 'choice', choices: ['1'], secret: true }] }), false, 'secret choice')
  assert.equal(accepts({ name: 'x', config: [{ name: 'lonely' }] }), false, 'neither key nor markdown')
  assert.equal(accepts({ name: 'x', config: [{ key: 'a', type: 'string', visible_if: [['b', 1]] }] }), false, 'non-string condition value')
  assert.equal(accepts({ name: 'x', config: [{ key: 'a', type: 'string', visible_if: 'b' }] }), false, 'condition not a list')
  assert.equal(accepts({ name: 'x', config: [{ key: 'a', type: 'string', label: 'A' }] }), false, 'unknown property')
  assert.equal(accepts({ name: 'x', config: 'a' }), false, 'config neither array nor object')
})
