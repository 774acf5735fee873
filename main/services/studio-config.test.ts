// The Configuration pane's values through the studio to the real runtime: a secret and an
// attachment reach the plugin, a missing required field refuses the run naming it, a saved value
// reloads the pipeline, and links open only when they are http(s).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import path from 'node:path'
import os from 'node:os'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import type { PluginEvent } from '../../common/plugin/event.ts'
import { MISSING_CONFIG_ERROR } from '../../common/protocol/studio.ts'
import { startFakePostHog } from '../../test-support/fake-posthog/server.ts'
import { Runner } from './runner/runner.ts'
import { SecretsService } from './secrets/secrets-service.ts'
import { SessionSecretStore } from './secrets/session-store.ts'
import { filesContaining } from './settings/find-in-files.ts'
import { StudioService } from './studio-service.ts'
import { Workspace } from './workspace/workspace.ts'
import { missingKeychain } from '../../test-support/missing-keychain.ts'

const PLUGIN_JSON = {
  name: 'Config probe',
  config: [
    { markdown: 'Keys are at [the docs](https://example.com/docs).' },
    { key: 'apiKey', name: 'API key', type: 'string', secret: true, required: true },
    { key: 'lookup', name: 'Lookup table', type: 'attachment', required: true },
    { key: 'greeting', name: 'Greeting', type: 'string', default: 'hello' },
  ],
}

// Logs what it was configured with: the secret's length (never the secret) and the attachment's size.
const PLUGIN_JS = `
export function processEvent(event, { config, attachments }) {
  console.log('apiKey length', config.apiKey.length)
  console.log('lookup', attachments.lookup.file_name, attachments.lookup.content_type, attachments.lookup.contents.length, 'bytes')
  event.properties = { ...event.properties, greeting: config.greeting }
  return event
}
`

const EVENT: PluginEvent = {
  event: '$pageview',
  distinct_id: 'user-1',
  ip: null,
  site_url: 'https://app.posthog.com',
  team_id: 1,
  now: '2026-01-01T00:00:00.000Z',
  uuid: '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b',
  properties: { $current_url: 'https://example.com/' },
}

async function setup(t: { after(fn: () => Promise<void>): void }, secrets: SecretsService, openExternal?: (url: string) => Promise<void>) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'studio-config-'))
  await mkdir(path.join(dir, 'probe'))
  await writeFile(path.join(dir, 'probe', 'plugin.json'), JSON.stringify(PLUGIN_JSON, null, 2))
  await writeFile(path.join(dir, 'probe', 'index.js'), PLUGIN_JS)
  const studio = new StudioService({ workspace: await Workspace.open(dir), sampleEventsDir: null, secrets, startRunner: (onCrash) => Runner.start({ onCrash }), openExternal })
  t.after(async () => {
    await studio.dispose()
    await rm(dir, { recursive: true, force: true })
  })
  return { studio, dir }
}

const lookupTable = { file_name: 'countries.csv', content_type: 'text/csv', contentsBase64: Buffer.from('code,name\nSE,Sweden\n').toString('base64') }

test('a run missing a required field is refused naming it; once filled, the secret and the attachment reach the plugin in the real runtime', async (t) => {
  const secret = 'sk_test_0123456789abcdef'
  const { studio, dir } = await setup(t, new SecretsService(new SessionSecretStore()))
  await assert.rejects(studio.runEvents({ plugins: ['probe'], events: [EVENT] }), (error: Error) => {
    assert.equal(error.name, MISSING_CONFIG_ERROR)
    assert.equal(error.message, 'Missing required config fields of Config probe: "API key" (apiKey), "Lookup table" (lookup). Fill them in the Configuration pane.')
    return true
  })
  await studio.setConfig('probe', { lookup: lookupTable })
  await assert.rejects(studio.runEvents({ plugins: ['probe'], events: [EVENT] }), /Missing required config field of Config probe: "API key" \(apiKey\)\./)

  const state = await studio.setConfig('probe', { apiKey: secret })
  assert.deepEqual([state.savedSecrets, state.missing, state.values], [['apiKey'], [], {}])
  const run = await studio.runEvents({ plugins: ['probe'], events: [EVENT] })
  assert.equal(run.reloaded, true)
  assert.equal(run.results[0].error, null)
  const logs = [...run.setup.flatMap((s) => s.logs), ...run.results[0].logs].map((l) => l.message)
  assert.ok(logs.includes(`apiKey length ${secret.length}`), logs.join('\n'))
  assert.ok(logs.includes('lookup countries.csv text/csv 20 bytes'), logs.join('\n'))
  assert.equal(run.results[0].output?.properties?.greeting, 'hello', 'defaults apply')
  assert.deepEqual((await filesContaining(dir, [secret])).hits, [], 'the secret reached a workspace file')
})

test('a saved value marks the pipeline stale: the next run reloads (setupPlugin again) with it', async (t) => {
  const { studio } = await setup(t, new SecretsService(new SessionSecretStore()))
  await studio.setConfig('probe', { apiKey: 'sk_one', lookup: lookupTable })
  assert.equal((await studio.runEvents({ plugins: ['probe'], events: [EVENT] })).reloaded, true)
  assert.equal((await studio.runEvents({ plugins: ['probe'], events: [EVENT] })).reloaded, false)
  const started = performance.now()
  await studio.setConfig('probe', { greeting: 'hej' })
  const took = performance.now() - started
  assert.ok(took < 1000, `setConfig took ${took.toFixed(0)} ms`)
  const again = await studio.runEvents({ plugins: ['probe'], events: [EVENT] })
  assert.equal(again.reloaded, true)
  assert.equal(again.results[0].output?.properties?.greeting, 'hej')
  // Saved while a run is loading: that load used the old values, so the run after it reloads again.
  await studio.setConfig('probe', { greeting: 'hola' })
  const during = studio.runEvents({ plugins: ['probe'], events: [EVENT] })
  await studio.setConfig('probe', { greeting: 'ciao' })
  await during
  const after = await studio.runEvents({ plugins: ['probe'], events: [EVENT] })
  assert.equal(after.results[0].output?.properties?.greeting, 'ciao')
})

test('without a keychain a secret is refused with the session-only offer until accepted', async (t) => {
  const secrets = new SecretsService(missingKeychain)
  const { studio } = await setup(t, secrets)
  assert.deepEqual((await studio.getConfig('probe')).secretStore.store, 'none')
  await assert.rejects(studio.setConfig('probe', { apiKey: 'sk_session' }), { name: 'NoSecretStoreError', message: /No OS keychain is available.*session only/ })
  await studio.acceptSessionOnlySecrets()
  assert.deepEqual((await studio.setConfig('probe', { apiKey: 'sk_session', lookup: lookupTable })).savedSecrets, ['apiKey'])
  const run = await studio.runEvents({ plugins: ['probe'], events: [EVENT] })
  assert.ok(run.results[0].logs.some((l) => l.message === 'apiKey length 10'))
})

test('with a plugin.json that does not parse, saving values is refused (secret fields cannot be told apart)', async (t) => {
  const { studio, dir } = await setup(t, new SecretsService(new SessionSecretStore()))
  await writeFile(path.join(dir, 'probe', 'plugin.json'), '{"name": "Config probe", "config": [')
  await assert.rejects(studio.setConfig('probe', { apiKey: 'sk_would_leak' }), /probe\/plugin\.json has problems .*fix and save it before saving the configuration/)
  assert.deepEqual((await filesContaining(dir, ['sk_would_leak'])).hits, [])
})

test('openExternal: only http(s) links; the desktop opener gets them, browser mode leaves them to the page', async (t) => {
  const opened: string[] = []
  const { studio } = await setup(t, new SecretsService(new SessionSecretStore()), async (url) => void opened.push(url))
  assert.deepEqual(await studio.openExternal('https://example.com/docs?a=1#b'), { openedBy: 'shell', url: 'https://example.com/docs?a=1#b' })
  assert.deepEqual(await studio.openExternal('http://EXAMPLE.com'), { openedBy: 'shell', url: 'http://example.com/' })
  for (const bad of ['javascript:alert(1)', 'file:///etc/passwd', 'data:text/html,hi', '/relative/path', 'app://studio/index.html', 'mailto:a@example.com', 'https://user:pw@example.com/', '']) {
    await assert.rejects(studio.openExternal(bad), Error, bad)
  }
  await assert.rejects(studio.openExternal(42 as never), /must be a URL/)
  assert.deepEqual(opened, ['https://example.com/docs?a=1#b', 'http://example.com/'])
  const browser = await setup(t, new SecretsService(new SessionSecretStore()))
  assert.deepEqual(await browser.studio.openExternal('https://posthog.com/docs'), { openedBy: 'browser', url: 'https://posthog.com/docs' })
})

test('publishing to PostHog sends the values of the form: plain, secret, and the attachment file', async (t) => {
  const ph = await startFakePostHog({ lifetimeMs: 60_000 })
  t.after(() => ph.stop())
  const { studio } = await setup(t, new SecretsService(new SessionSecretStore()))
  await studio.setConfig('probe', { apiKey: 'sk_published_secret', greeting: 'hi there', lookup: lookupTable })
  const signed = await studio.signIn('posthog', ph.url, ph.apiKey)
  assert.ok(signed.ok, !signed.ok ? signed.message : '')
  const published = await studio.posthogPublish('probe', { host: ph.url, projectId: ph.team.id })
  assert.ok(published.ok, !published.ok ? published.message : '')
  const stored = ph.db.pluginConfigs.get(published.result.pluginConfig.id)!
  assert.equal(stored.config.apiKey, 'sk_published_secret')
  assert.equal(stored.config.greeting, 'hi there')
  const attachment = [...ph.db.attachments.values()].find((a) => a.plugin_config === stored.id && a.key === 'lookup')
  assert.equal(attachment?.file_name, 'countries.csv')
  assert.equal(attachment?.contents.toString(), 'code,name\nSE,Sweden\n')
})
