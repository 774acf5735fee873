// The publish dialog's backend end to end: sign in (token checked, then kept), npm checks and
// publish against Verdaccio, PostHog connect and publish against the fake server.
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { startFakePostHog, type FakePostHog } from '../../../test-support/fake-posthog/server.ts'
import { startVerdaccio, type TestRegistry } from '../../../test-support/verdaccio.ts'
import { SecretsService } from '../secrets/secrets-service.ts'
import { createPublishService, type PublishProgress, type ResolvedPlugin } from './publish-service.ts'
import { missingKeychain } from '../../../test-support/missing-keychain.ts'


describe('publish service', () => {
  let registry: TestRegistry
  let npmToken: string
  let ph: FakePostHog
  let dir: string
  const progress: PublishProgress[] = []
  const plugins = new Map<string, ResolvedPlugin>()
  const secrets = new SecretsService(missingKeychain)
  const service = createPublishService({
    secrets,
    resolvePlugin: async (id) => {
      const found = plugins.get(id)
      if (!found) throw new Error(`No plugin ${id}`)
      return found
    },
    onProgress: (p) => void progress.push(p),
  })

  before(async () => {
    registry = await startVerdaccio({ lifetimeMs: 120_000 })
    npmToken = await registry.addUser('svc-tester', 'service-test-password')
    ph = await startFakePostHog({ lifetimeMs: 120_000 })
    dir = mkdtempSync(join(tmpdir(), 'studio-svc-plugin-'))
    writeFileSync(
      join(dir, 'plugin.json'),
      JSON.stringify({ name: 'Service Plugin', config: [{ key: 'token', name: 'Token', type: 'string', secret: true, required: true }, { key: 'list', name: 'List', type: 'attachment' }] }),
    )
    writeFileSync(join(dir, 'index.ts'), 'export function processEvent(event) { return event }\n')
    writeFileSync(join(dir, 'list.csv'), 'a,b\n1,2\n')
    plugins.set('service-plugin', { dir, config: { token: 'plugin-secret-value' }, attachments: { list: join(dir, 'list.csv') } })
    plugins.set('missing-required', { dir, config: {}, attachments: {} })
  })
  after(async () => {
    await registry?.stop()
    await ph?.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  test('no keychain: the dialog is told so, and sign-in waits for the session-only "yes"', async () => {
    const status = await service.secretsStatus()
    assert.equal(status.store, 'none')
    const refused = await service.signIn('npm', registry.url, npmToken)
    assert.equal(refused.ok, false)
    assert.match(!refused.ok ? refused.message : '', /No OS keychain is available/)
    await service.acceptSessionOnlySecrets()
    assert.equal((await service.secretsStatus()).store, 'session')
  })

  test('npm: a wrong token is refused at sign-in and not kept; the right one is kept, masked', async () => {
    const wrong = await service.signIn('npm', registry.url, 'd3JvbmctdG9rZW4tZm9yLXNpZ24taW4=')
    assert.equal(wrong.ok, false)
    assert.match(!wrong.ok ? wrong.message : '', /(rejected|did not recognise) the token.*The token was not saved\./)
    assert.equal((await service.publishAccount('npm', registry.url)).signedIn, false)
    const right = await service.signIn('npm', registry.url, npmToken)
    assert.ok(right.ok, !right.ok ? right.message : '')
    assert.equal(right.result.user, 'svc-tester')
    assert.equal(right.result.masked, `••••••••${npmToken.slice(-4)}`)
  })

  test('npm: checks and preview, then publish with progress, then bump', async () => {
    const prepared = await service.npmPrepare('service-plugin', { registry: registry.url })
    assert.ok(prepared.ok && prepared.result.ok, JSON.stringify(prepared))
    assert.deepEqual(prepared.result.preview?.files.map((f) => f.path), ['index.ts', 'package.json', 'plugin.json'])
    const published = await service.npmPublish('service-plugin', { registry: registry.url })
    assert.ok(published.ok && published.result.outcome === 'published', JSON.stringify(published))
    assert.ok(progress.some((p) => p.target === 'npm' && p.plugin === 'service-plugin' && p.step === 'Published'))
    const bumped = await service.npmBump('service-plugin', 'minor')
    assert.deepEqual(bumped, { ok: true, result: { version: '0.2.0' } })
  })

  test('posthog: sign in, connect, publish with the secret and the attachment; failures carry their field', async () => {
    assert.equal((await service.signIn('posthog', ph.url, 'phx_nope')).ok, false)
    const signed = await service.signIn('posthog', `${ph.url}/`, ph.apiKey)
    assert.ok(signed.ok)
    assert.equal(signed.result.user, 'Test Organization')
    const conn = await service.posthogConnect(ph.url)
    assert.ok(conn.ok)
    assert.deepEqual(conn.result.projects.map((p) => p.id), [ph.team.id])

    const published = await service.posthogPublish('service-plugin', { host: ph.url, projectId: ph.team.id })
    assert.ok(published.ok, !published.ok ? published.message : '')
    const config = ph.db.pluginConfigs.get(published.result.pluginConfig.id)!
    assert.deepEqual(config.config, { token: 'plugin-secret-value' })
    assert.equal([...ph.db.attachments.values()][0].file_name, 'list.csv')

    const missing = await service.posthogPublish('missing-required', { host: ph.url })
    assert.deepEqual(missing.ok ? null : [missing.failure, missing.attr], ['validation', 'token'])
    const otherHost = await service.posthogPublish('service-plugin', { host: 'https://elsewhere.example.com' })
    assert.deepEqual(otherHost.ok ? null : otherHost.failure, 'unauthorized')
  })
})
