// Config values per plugin per workspace: plain values in .plugin-studio/config.json, attachment
// files under .plugin-studio/attachments/, secrets in the OS keychain (a real gnome-keyring in its
// own D-Bus session) or, without one and only once accepted, in memory for the session.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import path from 'node:path'
import os from 'node:os'
import { mkdtemp, readFile, rm, stat, writeFile, mkdir } from 'node:fs/promises'
import type { ConfigField } from '../../../common/plugin/plugin-json.ts'
import { SECRET_FIELD_VALUE } from '../../../common/plugin/rules.ts'
import { runInKeyringSession } from '../../../test-support/keyring-session.ts'
import { requireSystemPart } from '../../../test-support/system-parts.ts'
import { SecretsService } from '../secrets/secrets-service.ts'
import { SessionSecretStore } from '../secrets/session-store.ts'
import { MAX_SECRET_ATTACHMENT_BYTES } from './config-secrets.ts'
import { ConfigValues } from './config-values.ts'
import { filesContaining } from './find-in-files.ts'
import { missingKeychain } from '../../../test-support/missing-keychain.ts'

async function tempDir(t: { after(fn: () => Promise<void>): void }) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'config-values-test-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  return dir
}

const upload = (fileName: string, text: string, contentType = 'text/csv') => ({ file_name: fileName, content_type: contentType, contentsBase64: Buffer.from(text).toString('base64') })

const FIELDS: ConfigField[] = [
  { key: 'host', name: 'Host', type: 'string', default: 'eu.example.com' },
  { key: 'mode', name: 'Mode', type: 'choice', choices: ['a', 'b'], required: true, default: 'a' },
  { key: 'apiKey', name: 'API key', type: 'string', secret: true, required: true },
  { key: 'lookup', name: 'Lookup table', type: 'attachment' },
  { key: 'cert', name: 'Certificate', type: 'attachment', secret: true },
  { key: 'region', name: 'Region', type: 'string', required_if: [['mode', 'b']] },
]

test('values round-trip per plugin, across sessions, and clear with null', async (t) => {
  const dir = await tempDir(t)
  const config = new ConfigValues({ workspaceDir: dir, secrets: new SecretsService(new SessionSecretStore()) })
  await config.set('one', { host: 'one.example.com', mode: 'b' }, FIELDS)
  await config.set('nested/two', { host: 'two.example.com', extra: 'kept like PostHog keeps unknown keys' }, FIELDS)
  const again = new ConfigValues({ workspaceDir: dir, secrets: new SecretsService(new SessionSecretStore()) })
  assert.deepEqual((await again.get('one', FIELDS)).values, { host: 'one.example.com', mode: 'b' })
  assert.deepEqual((await again.get('nested/two', FIELDS)).values, { host: 'two.example.com', extra: 'kept like PostHog keeps unknown keys' })
  assert.deepEqual((await again.get('three', FIELDS)).values, {})
  assert.deepEqual((await again.set('one', { mode: null }, FIELDS)).values, { host: 'one.example.com' })
  assert.deepEqual((await again.forRuntime('nested/two', FIELDS)).config, { host: 'two.example.com', extra: 'kept like PostHog keeps unknown keys' })
  await assert.rejects(again.set('one', { host: 5 } as never, FIELDS), /"Host" \(host\) must be a string or null/)
  await assert.rejects(again.set('one', { host: upload('x.csv', 'a') }, FIELDS), /"Host" \(host\) is not an attachment field/)
  assert.deepEqual((await again.get('one', FIELDS)).values, { host: 'one.example.com' }, 'a refused save changes nothing')
})

test('the earlier config.json shape (flat values per plugin) is still read', async (t) => {
  const dir = await tempDir(t)
  await mkdir(path.join(dir, '.plugin-studio'))
  await writeFile(path.join(dir, '.plugin-studio', 'config.json'), JSON.stringify({ plugins: { hello: { greeting: 'Hi' } } }))
  const config = new ConfigValues({ workspaceDir: dir, secrets: new SecretsService(new SessionSecretStore()) })
  assert.deepEqual((await config.get('hello', [])).values, { greeting: 'Hi' })
  await config.set('hello', { other: 'x' }, [])
  assert.deepEqual(JSON.parse(await readFile(config.file, 'utf8')), { plugins: { hello: { values: { greeting: 'Hi', other: 'x' }, attachments: {} } } })
})

test('a secret is absent from every workspace file, comes back only as a saved key, and reaches the runtime values', async (t) => {
  const dir = await tempDir(t)
  const secret = 'sk_live_4f9a8b7c6d5e'
  const certificate = '-----BEGIN CERTIFICATE----- studio-test-certificate'
  const config = new ConfigValues({ workspaceDir: dir, secrets: new SecretsService(new SessionSecretStore()) })
  const state = await config.set('hello', { host: 'example.com', apiKey: secret, cert: upload('cert.pem', certificate, 'application/x-pem-file'), lookup: upload('table.csv', 'id,name\n1,a\n') }, FIELDS)
  assert.deepEqual(state.values, { host: 'example.com' })
  assert.deepEqual(state.savedSecrets, ['apiKey', 'cert'])
  assert.deepEqual(state.secretsSet, ['apiKey', 'cert'])
  assert.deepEqual(Object.keys(state.attachments), ['lookup'])
  assert.ok(!JSON.stringify(state).includes(secret) && !JSON.stringify(state).includes('studio-test-certificate'), 'a secret went back to the UI')
  const scan = await filesContaining(dir, [secret, certificate])
  assert.ok(scan.scanned >= 2, `scanned ${scan.scanned} files`)
  assert.deepEqual(scan.hits, [], 'a secret reached a workspace file')

  const runtime = await config.forRuntime('hello', FIELDS)
  assert.equal(runtime.config.apiKey, secret)
  assert.equal(Buffer.from(runtime.attachments.cert.contentsBase64, 'base64').toString(), certificate)
  assert.deepEqual(runtime.missing, [])
  // PostHog's mask keeps the stored secret; '' clears it.
  await config.set('hello', { apiKey: SECRET_FIELD_VALUE }, FIELDS)
  assert.equal((await config.forRuntime('hello', FIELDS)).config.apiKey, secret)
  const cleared = await config.set('hello', { apiKey: '', cert: null }, FIELDS)
  assert.deepEqual(cleared.savedSecrets, [])
  assert.deepEqual(cleared.missing.map((m) => m.key), ['apiKey'])
})

test('without a keychain, saving a secret is refused with the session-only offer, nothing is written; accepted, it works', async (t) => {
  const dir = await tempDir(t)
  const secrets = new SecretsService(missingKeychain)
  const config = new ConfigValues({ workspaceDir: dir, secrets })
  assert.equal((await config.get('hello', FIELDS)).secretStore.store, 'none')
  await assert.rejects(config.set('hello', { host: 'example.com', apiKey: 'sk_session_1234' }, FIELDS), (error: Error) => {
    assert.equal(error.name, 'NoSecretStoreError')
    assert.match(error.message, /Cannot save the secret field "API key" \(apiKey\): No OS keychain is available.*never writes secret values to a file.*session only/)
    return true
  })
  await assert.rejects(stat(config.file), { code: 'ENOENT' })
  await secrets.acceptSessionOnly()
  const state = await config.set('hello', { host: 'example.com', apiKey: 'sk_session_1234' }, FIELDS)
  assert.deepEqual(state.savedSecrets, ['apiKey'])
  assert.equal(state.secretStore.store, 'session')
  assert.equal((await config.forRuntime('hello', FIELDS)).config.apiKey, 'sk_session_1234')
  assert.deepEqual((await filesContaining(dir, ['sk_session_1234'])).hits, [])
  // A new session (a fresh secrets service) has the plain value and no secret.
  const next = new ConfigValues({ workspaceDir: dir, secrets: new SecretsService(missingKeychain) })
  assert.deepEqual(await next.get('hello', FIELDS).then((s) => [s.values, s.savedSecrets]), [{ host: 'example.com' }, []])
})

test('a value stored before its field became secret leaves config.json at the next save', async (t) => {
  const dir = await tempDir(t)
  const config = new ConfigValues({ workspaceDir: dir, secrets: new SecretsService(new SessionSecretStore()) })
  const plain: ConfigField[] = [{ key: 'token', type: 'string' }, { key: 'host', type: 'string' }]
  await config.set('hello', { token: 'was_plain_value' }, plain)
  const secret: ConfigField[] = [{ key: 'token', type: 'string', secret: true }, { key: 'host', type: 'string' }]
  assert.deepEqual((await config.get('hello', secret)).values, {}, 'not shown as a plain value')
  await config.set('hello', { host: 'example.com' }, secret)
  assert.deepEqual((await filesContaining(dir, ['was_plain_value'])).hits, [])
})

test('attachments: stored atomically under .plugin-studio/attachments/<plugin>/<key>/<file_name>, replaced, cleared', async (t) => {
  const dir = await tempDir(t)
  await mkdir(path.join(dir, 'hello'))
  await writeFile(path.join(dir, 'hello', 'old.csv'), 'from,the,workspace\n')
  const config = new ConfigValues({ workspaceDir: dir, secrets: new SecretsService(new SessionSecretStore()), readWorkspaceFile: (file) => readFile(path.join(dir, file)) })
  const state = await config.set('hello', { lookup: upload('../../escape table.csv', 'id,name\n1,a\n') }, FIELDS)
  assert.deepEqual(state.attachments, { lookup: { file_name: 'escape table.csv', content_type: 'text/csv', size: 12 } })
  const stored = path.join(dir, '.plugin-studio', 'attachments', 'hello', 'lookup', 'escape table.csv')
  assert.equal(await readFile(stored, 'utf8'), 'id,name\n1,a\n')
  assert.deepEqual((await config.forRuntime('hello', FIELDS)).attachments, { lookup: upload('escape table.csv', 'id,name\n1,a\n') })
  assert.deepEqual((await config.forPublish('hello', FIELDS)).attachments, { lookup: stored })

  // The earlier form: a workspace path; the file is copied in, the previous one removed.
  const replaced = await config.set('hello', { lookup: 'hello/old.csv' }, FIELDS)
  assert.deepEqual(replaced.attachments.lookup, { file_name: 'old.csv', content_type: 'text/csv', size: 19 })
  await assert.rejects(stat(stored), { code: 'ENOENT' })
  assert.equal((await config.set('hello', { lookup: null }, FIELDS)).attachments.lookup, undefined)
  await assert.rejects(stat(path.join(dir, '.plugin-studio', 'attachments', 'hello', 'lookup')), { code: 'ENOENT' })
  await assert.rejects(config.set('hello', { lookup: { file_name: 'x', content_type: 'text/plain', contentsBase64: 'not base64!' } }, FIELDS), /"Lookup table" \(lookup\): the attachment's contentsBase64 is not base64/)
})

test('a secret attachment too large for the keychain is refused, saying so', async (t) => {
  const dir = await tempDir(t)
  const config = new ConfigValues({ workspaceDir: dir, secrets: new SecretsService(new SessionSecretStore()) })
  const big = 'x'.repeat(MAX_SECRET_ATTACHMENT_BYTES + 1)
  await assert.rejects(config.set('hello', { cert: upload('big.pem', big) }, FIELDS), /secret attachment "Certificate" \(cert\) is 49153 bytes: the OS keychain keeps at most 49152 bytes per secret/)
  assert.deepEqual((await config.get('hello', FIELDS)).savedSecrets, [])
})

test('missing required fields: defaults count, stored secrets and attachments count, required_if is evaluated', async (t) => {
  const dir = await tempDir(t)
  const fields: ConfigField[] = [...FIELDS, { key: 'table', name: 'Table', type: 'attachment', required: true }]
  const config = new ConfigValues({ workspaceDir: dir, secrets: new SecretsService(new SessionSecretStore()) })
  assert.deepEqual((await config.get('hello', fields)).missing.map((m) => m.key), ['apiKey', 'table'])
  await config.set('hello', { apiKey: 'sk_1234567', table: upload('t.csv', 'a') }, fields)
  assert.deepEqual((await config.get('hello', fields)).missing, [])
  assert.deepEqual((await config.forRuntime('hello', fields)).missing, [])
  await config.set('hello', { mode: 'b' }, fields)
  assert.deepEqual((await config.forRuntime('hello', fields)).missing, [{ key: 'region', label: 'Region', hidden: false }])
})

test('publishing gets every value, secrets included, and the attachment files', async (t) => {
  const dir = await tempDir(t)
  const config = new ConfigValues({ workspaceDir: dir, secrets: new SecretsService(new SessionSecretStore()) })
  await config.set('hello', { host: 'example.com', apiKey: 'phc_secret_value', lookup: upload('t.csv', 'a,b') }, FIELDS)
  assert.deepEqual(await config.forPublish('hello', FIELDS), {
    config: { host: 'example.com', apiKey: 'phc_secret_value' },
    attachments: { lookup: path.join(dir, '.plugin-studio', 'attachments', 'hello', 'lookup', 't.csv') },
  })
})

test('secrets in the real OS keychain (gnome-keyring over D-Bus): stored per workspace+plugin+key, never in a file, kept across sessions', async (t) => {
  if (!requireSystemPart(t, 'dbus') || !requireSystemPart(t, 'gnome-keyring')) return
  const run = await runInKeyringSession(path.join(import.meta.dirname, 'config-keychain.child.ts'), { args: [`plugin-studio-config-test-${process.pid}`] })
  await rm(run.home, { recursive: true, force: true })
  assert.equal(run.code, 0, run.stderr)
  const seen = JSON.parse(run.stdout.trim().split('\n').at(-1)!)
  assert.deepEqual(seen, {
    status: 'keychain',
    savedSecrets: ['apiKey', 'cert'],
    values: { host: 'example.com' },
    fileHits: [],
    secretToolApiKey: 'sk_keychain_value_0042',
    otherPluginSaved: [],
    nextSession: { savedSecrets: ['apiKey', 'cert'], apiKey: 'sk_keychain_value_0042', certBytes: 23 },
    afterClear: { savedSecrets: [], secretToolApiKey: null },
  })
})
