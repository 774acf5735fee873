import { test } from 'node:test'
import assert from 'node:assert/strict'
import { configPatch, draftFromConfig } from './config-draft.ts'
import type { ConfigField } from '../../common/plugin/plugin-json.ts'

const fields: ConfigField[] = [
  { key: 'greeting', type: 'string' },
  { key: 'apiKey', type: 'string', secret: true },
  { key: 'list', type: 'attachment' },
  { key: 'mode', type: 'choice', choices: ['a', 'b'] },
]

test('attachments become descriptions, secrets stay stored', () => {
  const stored = { plugin: 'p', values: { greeting: 'hi', list: 'p/attachments/list.csv' }, secretsSet: ['apiKey'] }
  const draft = draftFromConfig(stored, fields, [{ path: 'p/attachments/list.csv', kind: 'file', size: 12 }])
  assert.deepEqual(draft.values, { greeting: 'hi' })
  assert.deepEqual(draft.attachments.list, { file_name: 'list.csv', content_type: 'application/octet-stream', size: 12 })
  assert.deepEqual(draft.savedSecrets, ['apiKey'])
})

test('the patch holds changed values, new secrets, cleared keys and new attachments', () => {
  const stored = { plugin: 'p', values: { greeting: 'hi', mode: 'a' }, secretsSet: ['apiKey'] }
  const draft = { values: { greeting: 'hello' }, attachments: {}, savedSecrets: ['apiKey'], files: {} }
  assert.deepEqual(configPatch(stored, draft, fields, { list: 'p/attachments/x.csv' }), { greeting: 'hello', mode: null, list: 'p/attachments/x.csv' })
  const reset = { values: { greeting: 'hi', mode: 'a', apiKey: 'new-secret' }, attachments: {}, savedSecrets: [], files: {} }
  assert.deepEqual(configPatch(stored, reset, fields, {}), { apiKey: 'new-secret' })
  const cleared = { values: { greeting: 'hi', mode: 'a', apiKey: '' }, attachments: {}, savedSecrets: [], files: {} }
  assert.deepEqual(configPatch(stored, cleared, fields, {}), { apiKey: null })
})
