// Publishing onto PostHog, against the fake server that follows PostHog's API contract (§4).
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, afterEach, describe, test } from 'node:test'
import { ACCESS, PLUGIN_CREATION_REFUSED, startFakePostHog, type FakePostHog, type FakePostHogOptions } from '../../../../test-support/fake-posthog/server.ts'
import { PostHogPublishError } from './posthog-errors.ts'
import { connectPostHog, publishToPostHog } from './posthog-publisher.ts'

const JS_PLUGIN = `export function processEvent(event, { config, attachments }) {
  event.properties = { ...event.properties, greeting: config.greeting, hasDb: !!attachments.geoDb }
  return event
}
`
const PLUGIN_JSON = {
  name: 'Studio Greeter',
  description: 'Greets events',
  config: [
    { key: 'greeting', name: 'Greeting', type: 'string', default: 'hello', required: true },
    { key: 'apiSecret', name: 'API secret', type: 'string', secret: true },
    { key: 'geoDb', name: 'Lookup database', type: 'attachment' },
  ],
}

const dirs: string[] = []
function makePlugin(entry = 'index.js', code = JS_PLUGIN, pluginJson: object = PLUGIN_JSON): string {
  const dir = mkdtempSync(join(tmpdir(), 'studio-ph-plugin-'))
  dirs.push(dir)
  writeFileSync(join(dir, 'plugin.json'), JSON.stringify(pluginJson, null, 2))
  writeFileSync(join(dir, entry), code)
  return dir
}

const fakes: FakePostHog[] = []
async function fake(options: FakePostHogOptions = {}): Promise<FakePostHog> {
  const server = await startFakePostHog({ lifetimeMs: 60_000, ...options })
  fakes.push(server)
  return server
}
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((f) => f.stop()))
})
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

function assertPublishError(failure: string, pattern: RegExp, secret?: string) {
  return (error: unknown) => {
    assert.ok(error instanceof PostHogPublishError, String(error))
    assert.equal(error.failure, failure, error.message)
    assert.match(error.message, pattern)
    if (secret) assert.ok(!error.message.includes(secret) && !String(error.stack).includes(secret))
    return true
  }
}

describe('publishing onto PostHog', () => {
  test('connect lists the projects the key can see', async () => {
    const ph = await fake()
    const other = ph.db.addTeam(ph.organization, 'Staging')
    const conn = await connectPostHog(`${ph.url}/`, ph.apiKey)
    assert.deepEqual(conn.projects, [{ id: ph.team.id, name: 'Default project' }, { id: other.id, name: 'Staging' }])
    assert.equal(conn.currentProjectId, ph.team.id)
    assert.equal(conn.canInstall, true)
    assert.equal(conn.organization.pluginsAccessLevel, ACCESS.ROOT)
  })

  test('create path: a source plugin, its JS entry uploaded as index.ts, a config with secret and attachment', async () => {
    const ph = await fake()
    const dir = makePlugin()
    const dbFile = join(dir, 'geo.db')
    writeFileSync(dbFile, Buffer.alloc(1500, 7))
    const steps: string[] = []
    const result = await publishToPostHog({ dir, host: ph.url, apiKey: ph.apiKey, config: { apiSecret: 's3cr3t-value' }, attachments: { geoDb: dbFile }, onStep: (s) => void steps.push(s) })

    assert.equal(result.plugin.created, true)
    assert.equal(result.pluginConfig.created, true)
    assert.equal(result.entry, 'index.js')
    assert.deepEqual(result.uploadedFiles, ['plugin.json', 'index.ts'])
    assert.equal(result.pluginUrl, `${ph.url}/project/apps/${result.plugin.id}`)
    assert.equal(steps.at(-1), 'Published')

    const plugin = ph.db.plugins.get(result.plugin.id)!
    assert.equal(plugin.plugin_type, 'source')
    assert.equal(plugin.name, 'Studio Greeter')
    assert.deepEqual(plugin.config_schema, PLUGIN_JSON.config, 'update_source synced the schema from plugin.json')
    const files = ph.db.sourceFiles.get(plugin.id)!
    assert.equal(files.get('index.ts')!.source, JS_PLUGIN)
    assert.equal(files.has('index.js'), false)

    const config = ph.db.pluginConfigs.get(result.pluginConfig.id)!
    assert.deepEqual(config.config, { greeting: 'hello', apiSecret: 's3cr3t-value' }, 'defaults filled in, secret stored')
    assert.equal(config.enabled, true)
    assert.equal(config.order, 0)
    const attachment = [...ph.db.attachments.values()][0]
    assert.deepEqual([attachment.key, attachment.file_name, attachment.file_size, attachment.contents.equals(Buffer.alloc(1500, 7))], ['geoDb', 'geo.db', 1500, true])

    const seen = ph.requests.map((r) => `${r.method} ${r.path} ${r.contentType?.split(';')[0] ?? ''}`.trim())
    assert.deepEqual(seen, [
      'GET /api/users/@me/',
      'GET /api/organizations/@current/plugins/',
      'POST /api/organizations/@current/plugins/ application/json',
      `PATCH /api/organizations/@current/plugins/${plugin.id}/update_source application/json`,
      `GET /api/projects/${ph.team.id}/plugin_configs/`,
      `POST /api/projects/${ph.team.id}/plugin_configs/ multipart/form-data`,
    ])
  })

  test('update path: the same plugin and config are updated, order kept, enabled as chosen, the secret kept when not sent', async () => {
    const ph = await fake()
    const dir = makePlugin('index.ts', 'export function processEvent(event: any) { return event }\n')
    const first = await publishToPostHog({ dir, host: ph.url, apiKey: ph.apiKey, config: { greeting: 'hi', apiSecret: 'first-secret' } })
    ph.db.pluginConfigs.get(first.pluginConfig.id)!.order = 5
    writeFileSync(join(dir, 'index.ts'), 'export function processEvent(event: any) { return null }\n')
    const second = await publishToPostHog({ dir, host: ph.url, apiKey: ph.apiKey, config: { greeting: 'hey' }, enabled: false })

    assert.equal(second.plugin.id, first.plugin.id)
    assert.equal(second.plugin.created, false)
    assert.equal(second.pluginConfig.id, first.pluginConfig.id)
    assert.equal(second.pluginConfig.created, false)
    assert.equal(ph.db.plugins.size, 1)
    assert.equal(ph.db.pluginConfigs.size, 1)
    const config = ph.db.pluginConfigs.get(first.pluginConfig.id)!
    assert.deepEqual([config.order, config.enabled], [5, false])
    assert.deepEqual(config.config, { greeting: 'hey', apiSecret: 'first-secret' })
    assert.equal(ph.db.sourceFiles.get(first.plugin.id)!.get('index.ts')!.source, 'export function processEvent(event: any) { return null }\n')
  })

  test('the existing plugin is found past the first page of plugins (pagination)', async () => {
    const ph = await fake()
    for (let i = 0; i < 120; i++) {
      const id = ph.db.nextId('plugin')
      ph.db.plugins.set(id, { id, plugin_type: 'source', name: i === 110 ? 'Studio Greeter' : `other ${i}`, description: null, url: null, config_schema: {}, tag: null, latest_tag: null, latest_tag_checked_at: null, is_global: false, organization_id: ph.organization.id, capabilities: {}, metrics: {}, public_jobs: {}, icon: null, updated_at: '' })
    }
    const result = await publishToPostHog({ dir: makePlugin(), host: ph.url, apiKey: ph.apiKey })
    assert.deepEqual([result.plugin.id, result.plugin.created], [111, false])
    assert.ok(ph.requests.some((r) => r.path.includes('offset=100')))
  })

  test('a new config goes last in the project pipeline', async () => {
    const ph = await fake()
    await publishToPostHog({ dir: makePlugin('index.js', JS_PLUGIN, { ...PLUGIN_JSON, name: 'First' }), host: ph.url, apiKey: ph.apiKey })
    ph.db.pluginConfigs.get(1)!.order = 3
    const second = await publishToPostHog({ dir: makePlugin('index.js', JS_PLUGIN, { ...PLUGIN_JSON, name: 'Second' }), host: ph.url, apiKey: ph.apiKey, projectId: ph.team.id })
    assert.equal(second.pluginConfig.order, 4)
  })

  test('401: a wrong key, and nothing changed', async () => {
    const ph = await fake()
    const wrong = 'phx_this_key_is_wrong_0123456789'
    await assert.rejects(publishToPostHog({ dir: makePlugin(), host: ph.url, apiKey: wrong }), assertPublishError('unauthorized', /rejected the personal API key \(401: Personal API key found in request Authorization header is invalid\.\).* Nothing was changed on PostHog\./, wrong))
    assert.equal(ph.db.plugins.size, 0)
  })

  test('403: the organization plugin access level is too low (checked before anything is changed)', async () => {
    const ph = await fake({ pluginsAccessLevel: ACCESS.CONFIG })
    await assert.rejects(publishToPostHog({ dir: makePlugin(), host: ph.url, apiKey: ph.apiKey }), assertPublishError('access-level', /plugin access level is too low\. It is "Config" now\. Installing a plugin needs "Install" \(6\).*Nothing was changed on PostHog\./))
    assert.deepEqual(ph.requests.map((r) => r.path), ['/api/users/@me/'])
  })

  test("403: PostHog's own access-level refusal is mapped too", async () => {
    const ph = await fake()
    // The level drops after sign-in (an admin changed it): PostHog's permission class answers.
    const dir = makePlugin()
    await assert.rejects(
      publishToPostHog({ dir, host: ph.url, apiKey: ph.apiKey, onStep: (s) => void (s.startsWith('Looking') && (ph.organization.plugins_access_level = ACCESS.NONE)) }),
      assertPublishError('access-level', /may not install plugins/),
    )
  })

  test('403: a scoped key without plugin:write', async () => {
    const ph = await fake({ flavor: 'late', scopes: ['plugin:read'] })
    await assert.rejects(publishToPostHog({ dir: makePlugin(), host: ph.url, apiKey: ph.apiKey }), assertPublishError('scope', /API key missing required scope 'plugin:write'.*plugin:write scopes\. Nothing was changed on PostHog\./))
  })

  test('a late instance: the plugin is uploaded, then PostHog refuses the config: says the instance cannot run plugins and what changed', async () => {
    const ph = await fake({ flavor: 'late' })
    await assert.rejects(publishToPostHog({ dir: makePlugin(), host: ph.url, apiKey: ph.apiKey }), (error: unknown) => {
      assertPublishError('plugins-unsupported', /does not support plugins any more/)(error)
      const message = (error as Error).message
      assert.ok(message.includes(PLUGIN_CREATION_REFUSED))
      assert.match(message, /Already done on PostHog: created the source plugin "Studio Greeter" \(#1\); uploaded plugin\.json, index\.ts to plugin #1\. Not done: install it in the project with its configuration\.$/)
      return true
    })
  })

  test('a required field left empty is reported for that field before anything is sent', async () => {
    const ph = await fake()
    const pluginJson = { name: 'Needs Key', config: [{ key: 'apiKey', name: 'API key', type: 'string', required: true }] }
    await assert.rejects(publishToPostHog({ dir: makePlugin('index.js', JS_PLUGIN, pluginJson), host: ph.url, apiKey: ph.apiKey }), (error: unknown) => {
      assertPublishError('validation', /"API key" is required\. Nothing was changed on PostHog\./)(error)
      assert.equal((error as PostHogPublishError).attr, 'apiKey')
      return true
    })
    assert.equal(ph.requests.length, 0)
  })

  test('an entry that would not parse as index.ts is refused, with file and line, before anything is sent', async () => {
    const ph = await fake()
    const dir = makePlugin('index.js', 'export const processEvent = (event) => event\nconst broken = <div>hi</div>\n')
    await assert.rejects(publishToPostHog({ dir, host: ph.url, apiKey: ph.apiKey }), /index\.js:2:\d+: PostHog runs a source plugin's code as index\.ts, and this JavaScript does not parse as TypeScript/)
    assert.equal(ph.requests.length, 0)
  })

  test('a project the key cannot see', async () => {
    const ph = await fake()
    await assert.rejects(publishToPostHog({ dir: makePlugin(), host: ph.url, apiKey: ph.apiKey, projectId: 999 }), assertPublishError('project', /Project 999 is not one of the projects this key can see/))
  })

  test('network failure and an address that is not PostHog', async () => {
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as { port: number }
        probe.close(() => resolve(port))
      })
    })
    await assert.rejects(publishToPostHog({ dir: makePlugin(), host: `http://127.0.0.1:${port}`, apiKey: 'phx_x' }), assertPublishError('network', /Could not reach PostHog at http:\/\/127\.0\.0\.1:\d+ while signing in \(ECONNREFUSED\)\..*Nothing was changed/))
    const ph = await fake()
    await assert.rejects(publishToPostHog({ dir: makePlugin(), host: `${ph.url}/not-posthog`, apiKey: ph.apiKey }), assertPublishError('not-posthog', /did not answer like a PostHog instance while signing in \(HTTP 404/))
  })
})
