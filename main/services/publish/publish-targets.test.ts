// "Remember host and project per plugin (the key stays in the keychain)": the workspace file that
// keeps each plugin's last publish target, and the publish service filling it after a publish.
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, test } from 'node:test'
import { startFakePostHog } from '../../../test-support/fake-posthog/server.ts'
import { SecretsService } from '../secrets/secrets-service.ts'
import { createPublishService } from './publish-service.ts'
import { PUBLISH_TARGETS_FILE, PublishTargets } from './publish-targets.ts'
import { missingKeychain } from '../../../test-support/missing-keychain.ts'

const dirs: string[] = []
const tempDir = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  dirs.push(dir)
  return dir
}
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

describe('PublishTargets', () => {
  test('nothing remembered yet: {} (no file is created by reading)', async () => {
    const workspace = tempDir('publish-targets-')
    const targets = new PublishTargets(workspace)
    assert.deepEqual(await targets.get('my-plugin'), {})
    assert.throws(() => readFileSync(join(workspace, PUBLISH_TARGETS_FILE)), { code: 'ENOENT' })
  })

  test('remembers per plugin, merges npm and PostHog, and a new instance reads it back', async () => {
    const workspace = tempDir('publish-targets-')
    const targets = new PublishTargets(workspace)
    await targets.remember('a', { target: 'npm', registry: 'http://127.0.0.1:4873/' })
    await targets.remember('a', { target: 'posthog', host: 'https://posthog.example.com', projectId: 7 })
    await targets.remember('b', { target: 'posthog', host: 'http://localhost:8000', projectId: 1 })
    const again = new PublishTargets(workspace)
    assert.deepEqual(await again.get('a'), { target: 'posthog', registry: 'http://127.0.0.1:4873/', host: 'https://posthog.example.com', projectId: 7 })
    assert.deepEqual(await again.get('b'), { target: 'posthog', host: 'http://localhost:8000', projectId: 1 })
    assert.deepEqual(await again.get('c'), {})
    assert.deepEqual(await again.get('__proto__'), {})
  })

  test('only the known fields are kept: a token passed by mistake never reaches the file', async () => {
    const workspace = tempDir('publish-targets-')
    const targets = new PublishTargets(workspace)
    const sneaky = { target: 'posthog', host: 'https://ph.example.com', projectId: 3, apiKey: 'phx_must_not_be_written', token: 'npm_must_not_be_written' }
    await targets.remember('p', sneaky as never)
    const text = readFileSync(join(workspace, PUBLISH_TARGETS_FILE), 'utf8')
    assert.doesNotMatch(text, /must_not_be_written/)
    assert.deepEqual(JSON.parse(text), { plugins: { p: { target: 'posthog', host: 'https://ph.example.com', projectId: 3 } } })
  })

  test('a broken or hand-edited file is read as far as it makes sense, never an error', async () => {
    const workspace = tempDir('publish-targets-')
    mkdirSync(join(workspace, '.plugin-studio'))
    const file = join(workspace, PUBLISH_TARGETS_FILE)
    writeFileSync(file, '{"plugins": ')
    const targets = new PublishTargets(workspace)
    assert.deepEqual(await targets.get('p'), {})
    writeFileSync(file, JSON.stringify({ plugins: { p: { target: 'ftp', host: 'javascript:alert(1)', projectId: -1, registry: 'https://r.example.com/' } } }))
    assert.deepEqual(await targets.get('p'), { registry: 'https://r.example.com/' })
    // Writing over a broken file starts afresh.
    writeFileSync(file, 'not json')
    await targets.remember('p', { target: 'npm', registry: 'https://registry.npmjs.org/' })
    assert.deepEqual(await targets.get('p'), { target: 'npm', registry: 'https://registry.npmjs.org/' })
  })

  test('remembers made at once all land (writes are queued)', async () => {
    const workspace = tempDir('publish-targets-')
    const targets = new PublishTargets(workspace)
    await Promise.all(Array.from({ length: 20 }, (_, i) => targets.remember(`p${i}`, { target: 'posthog', host: 'https://ph.example.com', projectId: i + 1 })))
    for (let i = 0; i < 20; i++) assert.equal((await targets.get(`p${i}`)).projectId, i + 1)
  })
})

describe('the publish service remembers where a plugin went', () => {
  test('after a PostHog publish: host and project for that plugin, never the key; a failed publish changes nothing', async () => {
    const ph = await startFakePostHog({ lifetimeMs: 60_000 })
    try {
      const second = ph.db.addTeam(ph.organization, 'Second').id
      const workspace = tempDir('publish-targets-ws-')
      const pluginDir = join(workspace, 'remember-me')
      mkdirSync(pluginDir)
      writeFileSync(join(pluginDir, 'plugin.json'), JSON.stringify({ name: 'Remember me', main: 'index.js', config: [] }))
      writeFileSync(join(pluginDir, 'index.js'), 'export function processEvent(event) {\n  return event\n}\n')
      const targets = new PublishTargets(workspace)
      const secrets = new SecretsService(missingKeychain)
      await secrets.acceptSessionOnly()
      const service = createPublishService({ secrets, targets, resolvePlugin: async () => ({ dir: pluginDir, config: {}, attachments: {} }) })
      assert.deepEqual(await service.publishDefaults('remember-me'), {})

      const signedIn = await service.signIn('posthog', ph.url, ph.apiKey)
      assert.equal(signedIn.ok, true)
      const published = await service.posthogPublish('remember-me', { host: ph.url, projectId: second })
      assert.equal(published.ok, true, JSON.stringify(published))
      assert.deepEqual(await service.publishDefaults('remember-me'), { target: 'posthog', host: ph.url, projectId: second })
      assert.deepEqual(await service.publishDefaults('another-plugin'), {})
      assert.ok(!readFileSync(targets.file, 'utf8').includes(ph.apiKey), 'the key is not in the file')

      // A publish that fails (a project the key cannot see) leaves the remembered target alone.
      const failed = await service.posthogPublish('remember-me', { host: ph.url, projectId: 999 })
      assert.equal(failed.ok, false)
      assert.deepEqual(await service.publishDefaults('remember-me'), { target: 'posthog', host: ph.url, projectId: second })
    } finally {
      await ph.stop()
    }
  })

  test('without a store (the CLI), publishDefaults answers {}', async () => {
    const service = createPublishService({ secrets: new SecretsService(missingKeychain), resolvePlugin: async () => ({ dir: '/nowhere', config: {}, attachments: {} }) })
    assert.deepEqual(await service.publishDefaults('x'), {})
  })
})
