// Secrets: the real OS keychain (gnome-keyring over D-Bus, in a session of its own), the
// session-only store, and the helpers that keep tokens out of what the user sees.
import assert from 'node:assert/strict'
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { runInKeyringSession } from '../../../test-support/keyring-session.ts'
import { requireSystemPart } from '../../../test-support/system-parts.ts'
import { KeychainSecretStore } from './keychain-store.ts'
import { accountName, mask, redact, secretFromEnvironment } from './secret-store.ts'
import { NO_KEYCHAIN_MESSAGE, NoSecretStoreError, SecretsService } from './secrets-service.ts'
import { SessionSecretStore } from './session-store.ts'
import { missingKeychain } from '../../../test-support/missing-keychain.ts'

describe('OS keychain (real gnome-keyring over D-Bus)', () => {
  test('store, read, replace, delete, sign out — visible to secret-tool, gone after delete', async (t) => {
    if (!requireSystemPart(t, 'dbus') || !requireSystemPart(t, 'gnome-keyring')) return
    const started = performance.now()
    const run = await runInKeyringSession(join(import.meta.dirname, 'keychain-roundtrip.child.ts'), { args: [`plugin-studio-test-${process.pid}`] })
    t.diagnostic(`keyring session took ${(performance.now() - started).toFixed(0)} ms`)
    rmSync(run.home, { recursive: true, force: true })
    assert.equal(run.code, 0, run.stderr)
    const seen = JSON.parse(run.stdout.trim().split('\n').at(-1)!)
    assert.deepEqual(seen, {
      available: true,
      emptyRead: null,
      afterSet: 'npm_first_token_value_1234',
      sameAccountOtherSpelling: 'npm_first_token_value_1234',
      secretTool: 'npm_first_token_value_1234',
      afterReplace: 'npm_second_token_value_5678',
      otherAccount: 'phx_posthog_key_abcdef',
      deleted: true,
      afterDelete: null,
      deleteAgain: false,
      secretToolAfterDelete: null,
      status: { store: 'keychain', message: null },
      account: { signedIn: true, masked: 'phx_••••••••cdef', source: 'keychain' },
      signOut: true,
      accountAfterSignOut: { signedIn: false, masked: '', source: null },
    })
  })

  test('without a D-Bus session the keychain says it is unavailable instead of falling back', async () => {
    const saved = process.env.DBUS_SESSION_BUS_ADDRESS
    process.env.DBUS_SESSION_BUS_ADDRESS = 'unix:path=/nonexistent/studio-test-bus'
    try {
      assert.equal(await new KeychainSecretStore(`plugin-studio-test-${process.pid}`).available(), false)
    } finally {
      if (saved === undefined) delete process.env.DBUS_SESSION_BUS_ADDRESS
      else process.env.DBUS_SESSION_BUS_ADDRESS = saved
    }
  })
})

describe('no keychain: session-only, and only when accepted', () => {
  test('says so plainly and stores nothing until the user accepts', async () => {
    const secrets = new SecretsService(missingKeychain)
    const account = { kind: 'npm' as const, target: 'https://registry.npmjs.org/' }
    assert.deepEqual(await secrets.status(), { store: 'none', message: NO_KEYCHAIN_MESSAGE })
    assert.match(NO_KEYCHAIN_MESSAGE, /No OS keychain is available.*never writes tokens to a file.*for this session only/)
    await assert.rejects(secrets.set(account, 'npm_token_abc'), NoSecretStoreError)
    assert.equal(await secrets.get(account), null)
    await secrets.acceptSessionOnly()
    assert.equal((await secrets.status()).store, 'session')
    await secrets.set(account, 'npm_token_abc')
    assert.equal(await secrets.get(account), 'npm_token_abc')
    assert.deepEqual(await secrets.account(account), { signedIn: true, masked: 'npm_••••••••_abc', source: 'session' })
    assert.equal(await secrets.signOut(account), true)
    assert.equal(await new SecretsService(missingKeychain).get(account), null, 'a new session remembers nothing')
  })

  test('the session store is memory only', async () => {
    const store = new SessionSecretStore()
    await store.set({ kind: 'posthog', target: 'https://ph.example.com' }, 'phx_1')
    assert.equal(await store.get({ kind: 'posthog', target: 'https://PH.example.com/' }), 'phx_1')
    assert.equal(await store.delete({ kind: 'posthog', target: 'https://ph.example.com' }), true)
  })
})

describe('helpers', () => {
  test('accounts: one per registry or host, spelled either way', () => {
    assert.equal(accountName({ kind: 'npm', target: 'https://registry.npmjs.org' }), 'npm:registry.npmjs.org/')
    assert.equal(accountName({ kind: 'npm', target: 'http://127.0.0.1:4873/private' }), 'npm:127.0.0.1:4873/private/')
    assert.equal(accountName({ kind: 'posthog', target: 'https://posthog.example.com/' }), 'posthog:https://posthog.example.com')
    assert.throws(() => accountName({ kind: 'posthog', target: 'not a url' }), /Not a URL/)
  })
  test('mask shows a prefix and the last four characters at most', () => {
    assert.equal(mask('phx_abcdefghijklmnop'), 'phx_••••••••mnop')
    assert.equal(mask('short'), '••••••••')
    assert.equal(mask(''), '')
    assert.equal(mask(null), '')
  })
  test('redact replaces every occurrence', () => {
    assert.equal(redact('a npm_secret_token b npm_secret_token', ['npm_secret_token']), 'a npm_••••••••oken b npm_••••••••oken')
  })
  test('environment tokens for the CLI', () => {
    assert.equal(secretFromEnvironment('npm', { NPM_TOKEN: ' t1 ' }), 't1')
    assert.equal(secretFromEnvironment('posthog', { POSTHOG_PERSONAL_API_KEY: 'phx_2' }), 'phx_2')
    assert.equal(secretFromEnvironment('npm', {}), null)
  })
})
