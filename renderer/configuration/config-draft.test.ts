import { test } from 'node:test'
import assert from 'node:assert/strict'
import { base64Of, configPatch, draftFromConfig, rebaseDraft, settleUploads, valuesPatch } from './config-draft.ts'
import type { ConfigField } from '../../common/plugin/plugin-json.ts'
import type { PluginConfigState } from '../../common/protocol/studio.ts'

const fields: ConfigField[] = [
  { key: 'greeting', type: 'string' },
  { key: 'apiKey', type: 'string', secret: true },
  { key: 'list', type: 'attachment' },
  { key: 'mode', type: 'choice', choices: ['a', 'b'] },
  { key: 'rules', type: 'json' },
]

function stored(values: Record<string, string>, savedSecrets: string[] = [], attachments: PluginConfigState['attachments'] = {}): PluginConfigState {
  return { plugin: 'p', values, savedSecrets, secretsSet: savedSecrets, attachments, missing: [], secretStore: { store: 'keychain', message: null } }
}

test('the draft starts from the stored config: values, attachment descriptions, stored secrets', () => {
  const list = { file_name: 'list.csv', content_type: 'text/csv', size: 12 }
  const config = stored({ greeting: 'hi' }, ['apiKey'], { list })
  const draft = draftFromConfig(config)
  assert.deepEqual(draft, { values: { greeting: 'hi' }, attachments: { list }, savedSecrets: ['apiKey'], files: {} })
  draft.values.greeting = 'changed'
  assert.equal(config.values.greeting, 'hi', 'a copy, not the stored object')
})

test('the patch holds changed values, new secrets, cleared keys and new attachments', () => {
  const before = stored({ greeting: 'hi', mode: 'a' }, ['apiKey'])
  const draft = { values: { greeting: 'hello' }, attachments: {}, savedSecrets: ['apiKey'], files: {} }
  const upload = { file_name: 'x.csv', content_type: 'text/csv', contentsBase64: 'eA==' }
  assert.deepEqual(configPatch(before, draft, fields, { list: upload }), { greeting: 'hello', mode: null, list: upload })
  const reset = { values: { greeting: 'hi', mode: 'a', apiKey: 'new-secret' }, attachments: {}, savedSecrets: [], files: {} }
  assert.deepEqual(configPatch(before, reset, fields, {}), { apiKey: 'new-secret' })
  const cleared = { values: { greeting: 'hi', mode: 'a', apiKey: '' }, attachments: {}, savedSecrets: [], files: {} }
  assert.deepEqual(configPatch(before, cleared, fields, {}), { apiKey: null })
  assert.deepEqual(configPatch(before, draftFromConfig(before), fields, { list: null }), { list: null })
})

test('saving as you type sends plain values only, and JSON only while it parses', () => {
  const before = stored({ greeting: 'hi' })
  const draft = { values: { greeting: 'hello', apiKey: 'typed', rules: '{"a":' }, attachments: {}, savedSecrets: [], files: {} }
  assert.deepEqual(valuesPatch(before, draft, fields), { greeting: 'hello' })
  assert.deepEqual(valuesPatch(before, { ...draft, values: { ...draft.values, rules: '{"a": 1}' } }, fields), { greeting: 'hello', rules: '{"a": 1}' })
})

test('a save elsewhere in the form keeps what the user has not stored yet', () => {
  const before = stored({ greeting: 'hi', mode: 'a' }, ['apiKey'])
  const file = new File(['x'], 'x.csv')
  // The user reset the stored secret and typed a new one, picked a file, and typed on after the save was sent.
  const draft = {
    values: { greeting: 'hello again', mode: 'b', apiKey: 'typed' },
    attachments: { list: { file_name: 'x.csv', content_type: '', size: 1 } },
    savedSecrets: [],
    files: { list: file },
  }
  const after = stored({ greeting: 'hello', mode: 'b' }, ['apiKey'])
  const next = rebaseDraft(draft, before, after)
  assert.deepEqual(next.values, { greeting: 'hello again', mode: 'b', apiKey: 'typed' })
  assert.deepEqual(next.savedSecrets, [], 'the secret being replaced stays editable')
  assert.equal(next.files.list, file)
  assert.deepEqual(next.attachments.list, draft.attachments.list)
})

test('a stored secret drops its typed value and shows masked; a stored upload is no longer pending', () => {
  const before = stored({ greeting: 'hi' })
  const draft = { values: { greeting: 'hi', apiKey: 'typed' }, attachments: {}, savedSecrets: [], files: {} }
  const after = stored({ greeting: 'hi' }, ['apiKey'])
  const next = rebaseDraft(draft, before, after)
  assert.deepEqual(next.values, { greeting: 'hi' })
  assert.deepEqual(next.savedSecrets, ['apiKey'])

  const file = new File(['a,b'], 'list.csv', { type: 'text/csv' })
  const list = { file_name: 'list.csv', content_type: 'text/csv', size: 3 }
  const picked = { values: {}, attachments: { list }, savedSecrets: [], files: { list: file } }
  const settled = settleUploads(picked, { list: file }, stored({}, [], { list }))
  assert.deepEqual(settled, { values: {}, attachments: { list }, savedSecrets: [], files: {} })
  const other = new File(['c'], 'other.csv')
  assert.equal(settleUploads({ ...picked, files: { list: other } }, { list: file }, stored({})).files.list, other, 'a file picked meanwhile stays pending')
})

test('attachments travel as base64, byte for byte', () => {
  const bytes = new Uint8Array(70_000).map((_, i) => (i * 7) % 256)
  assert.equal(base64Of(bytes), Buffer.from(bytes).toString('base64'))
  assert.equal(base64Of(new Uint8Array()), '')
})
