import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { ConfigField } from './plugin-json.ts'
import {
  SECRET_FIELD_VALUE,
  doFieldRequirementsMatch,
  effectiveValues,
  isFieldRequired,
  isFieldVisible,
  isValidChoiceConfig,
  isValidField,
  maskSecrets,
  missingRequiredFields,
  missingRequiredMessage,
  splitSecrets,
  withoutUnchangedSecrets,
} from './rules.ts'

test('doFieldRequirementsMatch: no target value means "set", a value means strict equality', () => {
  assert.equal(doFieldRequirementsMatch({ a: 'x' }, 'a', undefined), true)
  assert.equal(doFieldRequirementsMatch({ a: '' }, 'a', undefined), false)
  assert.equal(doFieldRequirementsMatch({}, 'a', undefined), false)
  assert.equal(doFieldRequirementsMatch({ a: 'Yes' }, 'a', 'Yes'), true)
  assert.equal(doFieldRequirementsMatch({ a: 'yes' }, 'a', 'Yes'), false)
  // An unset field reads as '' — so ['a', ''] matches while it is empty.
  assert.equal(doFieldRequirementsMatch({}, 'a', ''), true)
  assert.equal(doFieldRequirementsMatch({ a: 'x' }, 'a', ''), false)
})

test('visible_if: all conditions must match; fields without key or visible_if are always visible', () => {
  const field: ConfigField = { key: 'token', type: 'string', visible_if: [['mode', 'api'], ['host']] }
  assert.equal(isFieldVisible(field, { mode: 'api', host: 'h' }), true)
  assert.equal(isFieldVisible(field, { mode: 'api' }), false)
  assert.equal(isFieldVisible(field, { mode: 'file', host: 'h' }), false)
  assert.equal(isFieldVisible({ markdown: 'x', visible_if: [['mode', 'api']] }, {}), true)
  assert.equal(isFieldVisible({ key: 'k', type: 'string' }, {}), true)
  assert.equal(isFieldVisible({ key: 'k', type: 'string', visible_if: [] }, {}), true)
})

test('required_if: all conditions must match; required wins; an empty list always matches', () => {
  const field: ConfigField = { key: 'token', type: 'string', required_if: [['mode', 'api'], ['host']] }
  assert.equal(isFieldRequired(field, { mode: 'api', host: 'h' }), true)
  assert.equal(isFieldRequired(field, { mode: 'api', host: '' }), false)
  assert.equal(isFieldRequired({ key: 'k', type: 'string', required: true }, {}), true)
  assert.equal(isFieldRequired({ key: 'k', type: 'string', required_if: [] }, {}), true)
  assert.equal(isFieldRequired({ type: 'string', required: true }, {}), false, 'a field without key is never required')
})

test('isValidChoiceConfig: non-empty strings, not secret', () => {
  assert.equal(isValidChoiceConfig({ key: 'c', type: 'choice', choices: ['a', 'b'] }), true)
  assert.equal(isValidChoiceConfig({ key: 'c', type: 'choice', choices: [] }), false)
  assert.equal(isValidChoiceConfig({ key: 'c', type: 'choice' }), false)
  assert.equal(isValidChoiceConfig({ key: 'c', type: 'choice', choices: ['a', 1 as unknown as string] }), false)
  assert.equal(isValidChoiceConfig({ key: 'c', type: 'choice', choices: ['a'], secret: true }), false)
  assert.equal(isValidField({ key: 's', type: 'string' }), true)
  assert.equal(isValidField({ key: 'c', type: 'choice' }), false)
})

const FIELDS: ConfigField[] = [
  { markdown: '## Connection' },
  { key: 'mode', name: 'Mode', type: 'choice', choices: ['api', 'file'], default: 'api', required: true },
  { key: 'apiKey', name: 'API key', type: 'string', secret: true, required_if: [['mode', 'api']] },
  { key: 'host', name: 'Host', type: 'string', default: 'https://eu.example.com' },
  { key: 'mapping', type: 'json', visible_if: [['mode', 'file']], required_if: [['mode', 'file']] },
  { key: 'file', name: 'Lookup file', type: 'attachment', required: true },
]

test('effectiveValues: defaults for unset keys, stored secrets and chosen attachments count as set', () => {
  const values = effectiveValues(FIELDS, { values: { host: '' }, attachments: { file: { file_name: 'a.csv', content_type: 'text/csv', size: 3 } }, savedSecrets: ['apiKey'] })
  assert.deepEqual(values, { mode: 'api', apiKey: SECRET_FIELD_VALUE, host: '', file: 'a.csv' })
})

test('missingRequiredFields follows required, required_if, defaults, attachments and stored secrets', () => {
  assert.deepEqual(
    missingRequiredFields(FIELDS, {}, {}).map((m) => m.key),
    ['apiKey', 'file'],
  )
  assert.deepEqual(missingRequiredFields(FIELDS, { mode: 'file' }, {}).map((m) => [m.key, m.hidden]), [
    ['mapping', false],
    ['file', false],
  ])
  assert.deepEqual(missingRequiredFields(FIELDS, { apiKey: 'k' }, { file: { file_name: 'a', content_type: 'x', size: 1 } }), [])
  assert.deepEqual(missingRequiredFields(FIELDS, {}, { file: { file_name: 'a', content_type: 'x', size: 1 } }, ['apiKey']), [])
  // Clearing a defaulted required field makes it missing again.
  assert.deepEqual(missingRequiredFields(FIELDS, { mode: '', apiKey: 'k' }, { file: { file_name: 'a', content_type: 'x', size: 1 } }).map((m) => m.label), ['Mode'])
})

test('missingRequiredFields: a required field hidden by visible_if is still checked (as PostHog does), and says so', () => {
  const fields: ConfigField[] = [
    { key: 'on', type: 'string' },
    { key: 'x', name: 'X', type: 'string', required: true, visible_if: [['on']] },
  ]
  assert.deepEqual(missingRequiredFields(fields, {}), [{ key: 'x', label: 'X', hidden: true }])
})

test('missingRequiredFields skips fields PostHog renders no input for', () => {
  const fields: ConfigField[] = [
    { key: 'c', type: 'choice', required: true },
    { key: 'm', markdown: 'text', required: true },
  ]
  assert.deepEqual(missingRequiredFields(fields, {}), [])
})

test('missingRequiredMessage names each field by label and key', () => {
  assert.equal(missingRequiredMessage([{ key: 'apiKey', label: 'API key', hidden: false }]), 'Missing required config field: "API key" (apiKey)')
  assert.equal(
    missingRequiredMessage([{ key: 'a', label: 'a', hidden: false }, { key: 'b', label: 'B', hidden: true }], 'my-plugin'),
    'Missing required config fields of my-plugin: "a", "B" (b)',
  )
  assert.equal(missingRequiredMessage([]), '')
})

test('secret masking: mask truthy secrets, omit unchanged ones on save, split for the keychain', () => {
  assert.deepEqual(maskSecrets(FIELDS, { apiKey: 'k', host: 'h' }), { apiKey: SECRET_FIELD_VALUE, host: 'h' })
  assert.deepEqual(maskSecrets(FIELDS, { apiKey: '' }), { apiKey: '' })
  assert.deepEqual(withoutUnchangedSecrets(FIELDS, { apiKey: SECRET_FIELD_VALUE, host: 'h' }), { host: 'h' })
  assert.deepEqual(withoutUnchangedSecrets(FIELDS, { apiKey: 'new' }), { apiKey: 'new' })
  assert.deepEqual(splitSecrets(FIELDS, { apiKey: 'new', host: 'h' }), { plain: { host: 'h' }, secret: { apiKey: 'new' } })
  assert.deepEqual(splitSecrets(FIELDS, { apiKey: SECRET_FIELD_VALUE }), { plain: {}, secret: {} })
})
