// The fake PostHog must answer like PostHog: these are the assertions of PostHog's own API tests
// (posthog/api/test/test_plugin.py, reference §4.5) and the contract of §4.1–4.3, run against it.
import assert from 'node:assert/strict'
import { after, before, beforeEach, describe, test } from 'node:test'
import { canConfigure, canGloballyManage, canInstall, canView } from './context.ts'
import { ACCESS, PLUGIN_CREATION_REFUSED, SECRET_FIELD_VALUE, startFakePostHog, type FakePostHog, type FakePostHogOptions } from './server.ts'

const FROZEN = '2021-08-25T22:09:14.252000Z'
const HELLO = 'https://github.com/PostHog/helloworldplugin'

interface Call {
  json?: unknown
  form?: Record<string, string | { name: string; type: string; bytes: Uint8Array }>
  key?: string | null
}

function client(fake: FakePostHog) {
  return async (method: string, path: string, call: Call = {}) => {
    const headers: Record<string, string> = {}
    const key = call.key === undefined ? fake.apiKey : call.key
    if (key) headers.authorization = `Bearer ${key}`
    let body: BodyInit | undefined
    if (call.json !== undefined) {
      headers['content-type'] = 'application/json'
      body = JSON.stringify(call.json)
    } else if (call.form) {
      const form = new FormData()
      for (const [k, v] of Object.entries(call.form)) form.append(k, typeof v === 'string' ? v : new File([v.bytes], v.name, { type: v.type }))
      body = form
    }
    const response = await fetch(`${fake.url}${path}`, { method, headers, body })
    const text = await response.text()
    let json: unknown = null
    try {
      json = text ? JSON.parse(text) : null
    } catch {}
    // JSON bodies are read freely in assertions.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    return { status: response.status, json: json as Record<string, any>, text, type: response.headers.get('content-type') }
  }
}

function withFake(options: FakePostHogOptions = {}) {
  const ctx = {} as { fake: FakePostHog; api: ReturnType<typeof client> }
  beforeEach(async () => {
    await ctx.fake?.stop()
    ctx.fake = await startFakePostHog({ now: () => FROZEN, ...options })
    ctx.api = client(ctx.fake)
  })
  after(async () => ctx.fake?.stop())
  return ctx
}

const setLevel = (fake: FakePostHog, level: number) => void (fake.organization.plugins_access_level = level)
const bytes = (n: number, fill = 1) => new Uint8Array(n).fill(fill)

describe('fake PostHog: authentication, routing and error shape (§4.1)', () => {
  const t = withFake()
  test('no key: 401 not_authenticated; a wrong key: 401 naming where the key was found', async () => {
    const none = await t.api('GET', '/api/organizations/@current/plugins/', { key: null })
    assert.equal(none.status, 401)
    assert.deepEqual(none.json, { type: 'authentication_error', code: 'not_authenticated', detail: 'Authentication credentials were not provided.', attr: null })
    const wrong = await t.api('GET', '/api/organizations/@current/plugins/', { key: 'phx_wrong' })
    assert.equal(wrong.status, 401)
    assert.deepEqual(wrong.json, { type: 'authentication_error', code: 'authentication_failed', detail: 'Personal API key found in request Authorization header is invalid.', attr: null })
  })
  test('the key is also accepted in the query string and the body; trailing slashes are optional', async () => {
    const query = await t.api('GET', `/api/organizations/@current/plugins?personal_api_key=${t.fake.apiKey}`, { key: null })
    assert.equal(query.status, 200)
    assert.deepEqual(query.json, { count: 0, next: null, previous: null, results: [] })
    const body = await t.api('POST', '/api/organizations/@current/plugins', { key: null, json: { plugin_type: 'source', name: 'via body', personal_api_key: t.fake.apiKey } })
    assert.equal(body.status, 201)
    assert.equal((await t.api('GET', `/api/organizations/${t.fake.organization.id}/plugins/${body.json.id}`)).status, 200)
  })
  test('/api/users/@me/ gives the organization with its access level and teams', async () => {
    const me = await t.api('GET', '/api/users/@me/')
    assert.equal(me.json.organization.plugins_access_level, ACCESS.ROOT)
    assert.equal(me.json.team.id, t.fake.team.id)
    assert.deepEqual(me.json.organization.teams.map((x: { id: number }) => x.id), [t.fake.team.id])
  })
  test('unknown routes are Django HTML 404s; unknown objects are JSON not_found', async () => {
    const page = await t.api('GET', '/nothing-here')
    assert.equal(page.status, 404)
    assert.match(page.type ?? '', /text\/html/)
    const object = await t.api('GET', '/api/organizations/@current/plugins/999/')
    assert.deepEqual([object.status, object.json], [404, { type: 'invalid_request', code: 'not_found', detail: 'Not found.', attr: null }])
  })
})

describe('fake PostHog: TestPluginAPI (§4.5)', () => {
  const t = withFake()

  test('test_create_plugin_auth', async () => {
    for (const level of [ACCESS.NONE, ACCESS.CONFIG]) {
      setLevel(t.fake, level)
      assert.equal((await t.api('POST', '/api/organizations/@current/plugins/', { json: { url: HELLO } })).status, 403)
    }
    setLevel(t.fake, ACCESS.INSTALL)
    const created = await t.api('POST', '/api/organizations/@current/plugins/', { json: { url: HELLO } })
    assert.equal(created.status, 201)
    const activity = await t.api('GET', '/api/organizations/@current/plugins/activity')
    assert.deepEqual(activity.json.results, [
      { user: { first_name: '', email: 'user1@posthog.com' }, activity: 'installed', created_at: FROZEN, scope: 'Plugin', item_id: String(created.json.id), detail: { name: 'helloworldplugin', changes: null, merge: null, short_id: null } },
    ])
    const again = await t.api('POST', '/api/organizations/@current/plugins/', { json: { url: HELLO } })
    assert.deepEqual([again.status, again.json], [400, { type: 'validation_error', code: 'invalid_input', detail: `Plugin from URL "${HELLO}" already installed!`, attr: null }])
  })

  test('test_create_plugin_auth_globally_managed', async () => {
    for (const level of [ACCESS.NONE, ACCESS.CONFIG, ACCESS.INSTALL]) {
      setLevel(t.fake, level)
      assert.equal((await t.api('POST', '/api/organizations/@current/plugins/', { json: { url: HELLO, is_global: true } })).status, 403)
    }
    setLevel(t.fake, ACCESS.ROOT)
    assert.equal((await t.api('POST', '/api/organizations/@current/plugins/', { json: { url: HELLO, is_global: true } })).status, 201)
    assert.equal((await t.api('POST', '/api/organizations/@current/plugins/', { json: { url: HELLO, is_global: true } })).status, 400)
  })

  test('test_globally_managed_visible_to_all_orgs and test_globally_managed_only_manageable_by_owner_org', async () => {
    const other = t.fake.db.addOrganization('Other', ACCESS.ROOT)
    t.fake.db.addTeam(other, 'Other project')
    t.fake.db.addUser('user2@posthog.com', 'phx_other', [other])
    const created = await t.api('POST', '/api/organizations/@current/plugins/', { json: { url: HELLO } })
    const otherList = await t.api('GET', '/api/organizations/@current/plugins/', { key: 'phx_other' })
    assert.deepEqual(otherList.json, { count: 0, next: null, previous: null, results: [] })
    assert.equal((await t.api('PATCH', `/api/organizations/@current/plugins/${created.json.id}/`, { json: { is_global: true } })).status, 200)
    assert.equal((await t.api('GET', '/api/organizations/@current/plugins/', { key: 'phx_other' })).json.count, 1)

    const own = await t.api('PATCH', `/api/organizations/@current/plugins/${created.json.id}/`, { json: { description: 'X' } })
    assert.deepEqual([own.status, own.json.description], [200, 'X'])
    const foreign = await t.api('PATCH', `/api/organizations/@current/plugins/${created.json.id}/`, { key: 'phx_other', json: { description: 'X' } })
    assert.equal(foreign.status, 403)
    assert.match(foreign.json.detail, /This plugin installation is managed by another organization/)
  })

  test('test_update_plugin_auth_to_globally_managed', async () => {
    const created = await t.api('POST', '/api/organizations/@current/plugins/', { json: { url: HELLO } })
    for (const level of [ACCESS.NONE, ACCESS.CONFIG, ACCESS.INSTALL]) {
      setLevel(t.fake, level)
      assert.equal((await t.api('PATCH', `/api/organizations/@current/plugins/${created.json.id}/`, { json: { is_global: true } })).status, 403)
    }
    setLevel(t.fake, ACCESS.ROOT)
    assert.equal((await t.api('PATCH', `/api/organizations/@current/plugins/${created.json.id}/`, { json: { is_global: true } })).status, 200)
  })

  test('test_plugin_private_token_url_unique', async () => {
    const base = 'https://gitlab.com/mariusandra/helloworldplugin'
    const post = (url: string) => t.api('POST', '/api/organizations/@current/plugins/', { json: { url } }).then((r) => r.status)
    assert.equal(await post(`${base}?private_token=123`), 201)
    assert.equal(await post(`${base}?private_token=123`), 400)
    assert.equal(await post(base), 400)
    assert.equal(await post(`${base}?private_token=567`), 400)
    assert.equal(await post(`${base}-other`), 201)
    assert.equal(await post(`${base}-other?private_token=567`), 400)
    const listed = await t.api('GET', '/api/organizations/@current/plugins/')
    assert.ok(listed.json.results.every((p: { url: string }) => !p.url.includes('private_token')), 'tokens never leave the server')
  })

  test('test_update_plugin_auth (upgrade)', async () => {
    const created = await t.api('POST', '/api/organizations/@current/plugins/', { json: { url: HELLO } })
    const upgraded = await t.api('POST', `/api/organizations/@current/plugins/${created.json.id}/upgrade`, { json: { url: HELLO } })
    assert.equal(upgraded.status, 200)
    assert.equal(t.fake.db.plugins.get(created.json.id)!.updated_at, FROZEN)
    for (const level of [ACCESS.NONE, ACCESS.CONFIG]) {
      setLevel(t.fake, level)
      assert.equal((await t.api('POST', `/api/organizations/@current/plugins/${created.json.id}/upgrade`, { json: { url: HELLO } })).status, 403)
    }
  })

  test('test_delete_plugin_auth, test_cannot_delete_of_other_orgs_plugin, test_cannot_delete_global_plugin', async () => {
    const created = await t.api('POST', '/api/organizations/@current/plugins/', { json: { url: HELLO } })
    for (const level of [ACCESS.NONE, ACCESS.CONFIG]) {
      setLevel(t.fake, level)
      assert.equal((await t.api('DELETE', `/api/organizations/@current/plugins/${created.json.id}/`)).status, 403)
    }
    setLevel(t.fake, ACCESS.INSTALL)
    assert.equal((await t.api('DELETE', `/api/organizations/@current/plugins/${created.json.id}/`)).status, 204)
    const activity = await t.api('GET', '/api/organizations/@current/plugins/activity')
    assert.deepEqual(activity.json.results.map((a: { activity: string }) => a.activity).reverse(), ['installed', 'uninstalled'])

    const other = t.fake.db.addOrganization('Other', ACCESS.ROOT)
    t.fake.db.addTeam(other, 'Other project')
    t.fake.db.addUser('user2@posthog.com', 'phx_other', [other])
    const theirs = await t.api('POST', '/api/organizations/@current/plugins/', { key: 'phx_other', json: { url: HELLO } })
    assert.equal((await t.api('DELETE', `/api/organizations/@current/plugins/${theirs.json.id}/`)).status, 404)

    setLevel(t.fake, ACCESS.ROOT)
    const global = await t.api('POST', '/api/organizations/@current/plugins/', { json: { url: HELLO, is_global: true } })
    const refused = await t.api('DELETE', `/api/organizations/@current/plugins/${global.json.id}/`)
    assert.deepEqual([refused.status, refused.json.detail], [400, 'This plugin is marked as global! Make it local before uninstallation'])
  })

  test('test_create_plugin_repo_url: the exact body, source files and reloads', async () => {
    const created = await t.api('POST', '/api/organizations/@current/plugins/', { json: { url: HELLO } })
    assert.equal(created.status, 201)
    assert.deepEqual(created.json, {
      id: created.json.id,
      plugin_type: 'custom',
      name: 'helloworldplugin',
      description: 'Greet the World and Foo a Bar, JS edition!',
      url: HELLO,
      config_schema: { bar: { name: "What's in the bar?", type: 'string', default: 'baz', required: false } },
      tag: created.json.tag,
      latest_tag: null,
      is_global: false,
      organization_id: t.fake.organization.id,
      organization_name: 'Test Organization',
      capabilities: {},
      metrics: {},
      public_jobs: {},
    })
    assert.deepEqual([...t.fake.db.sourceFiles.get(created.json.id)!.keys()].sort(), ['index.ts', 'plugin.json'])
    assert.equal(t.fake.db.reloads, 1)
    await t.api('DELETE', `/api/organizations/@current/plugins/${created.json.id}/`)
    assert.equal(t.fake.db.sourceFiles.size, 0)
    assert.equal(t.fake.db.reloads, 2)
  })

  test('test_update_plugin_source', async () => {
    const created = await t.api('POST', '/api/organizations/@current/plugins/', { json: { plugin_type: 'source', name: 'myplugin_original' } })
    assert.equal(t.fake.db.reloads, 1)
    const id = created.json.id
    assert.deepEqual((await t.api('GET', `/api/organizations/@current/plugins/${id}/source`)).json, {})
    const first = await t.api('PATCH', `/api/organizations/@current/plugins/${id}/update_source`, { json: { 'index.ts': "'hello world'", 'plugin.json': '{"name":"my plugin"}' } })
    assert.deepEqual(first.json, { 'index.ts': "'hello world'", 'plugin.json': '{"name":"my plugin"}' })
    assert.equal(t.fake.db.plugins.get(id)!.name, 'my plugin')
    assert.equal(t.fake.db.reloads, 2)
    const second = await t.api('PATCH', `/api/organizations/@current/plugins/${id}/update_source`, { json: { 'index.ts': "'hello again'" } })
    assert.deepEqual(second.json, { 'index.ts': "'hello again'", 'plugin.json': '{"name":"my plugin"}' })
    assert.equal(t.fake.db.reloads, 3)
    const third = await t.api('PATCH', `/api/organizations/@current/plugins/${id}/update_source`, { json: { 'index.ts': null } })
    assert.deepEqual(third.json, { 'plugin.json': '{"name":"my plugin"}' })
    assert.equal(t.fake.db.reloads, 4)
  })

  test('test_create_plugin_frontend_source', async () => {
    const created = await t.api('POST', '/api/organizations/@current/plugins/', { json: { plugin_type: 'source', name: 'myplugin' } })
    assert.equal(created.status, 201)
    const { id, organization_id: _o, organization_name: _n, ...rest } = created.json
    assert.ok(id)
    assert.deepEqual(rest, { plugin_type: 'source', name: 'myplugin', description: null, url: null, config_schema: {}, tag: null, latest_tag: null, is_global: false, capabilities: {}, metrics: {}, public_jobs: {} })
    await t.api('PATCH', `/api/organizations/@current/plugins/${id}/update_source`, { form: { 'frontend.tsx': 'export const scene = {}' } })
    assert.equal(t.fake.db.sourceFiles.get(id)!.size, 1)
    const config = await t.api('POST', '/api/plugin_config/', { form: { plugin: String(id), enabled: 'true', order: '0', config: '{}' } })
    const frontend = await t.api('GET', `/api/plugin_config/${config.json.id}/frontend`)
    assert.equal(frontend.text, 'export function getFrontendApp () { return {"transpiling": true} }')
    Object.assign(t.fake.db.sourceFiles.get(id)!.get('frontend.tsx')!, { status: 'TRANSPILED', transpiled: 'transpiled code' })
    assert.equal((await t.api('GET', `/api/plugin_config/${config.json.id}/frontend`)).text, 'transpiled code')
    await t.api('PATCH', `/api/organizations/@current/plugins/${id}/update_source`, { form: { 'frontend.tsx': 'export const scene = {a: 1}' } })
    assert.equal(t.fake.db.sourceFiles.get(id)!.get('frontend.tsx')!.transpiled, null)
  })

  test('test_plugin_repository', async () => {
    const repository = await t.api('GET', '/api/organizations/@current/plugins/repository/')
    assert.equal(repository.status, 200)
    assert.ok(repository.json.some((p: { name: string }) => p.name === 'helloworldplugin'))
  })

  test('test_install_plugin_on_multiple_orgs and test_cannot_access_others_orgs_plugins', async () => {
    const other = t.fake.db.addOrganization('Other', ACCESS.ROOT)
    t.fake.db.addTeam(other, 'Other project')
    assert.equal((await t.api('POST', `/api/organizations/${t.fake.organization.id}/plugins/`, { json: { url: HELLO } })).status, 201)
    assert.equal((await t.api('POST', `/api/organizations/${t.fake.organization.id}/plugins/`, { json: { url: HELLO } })).status, 400)
    assert.equal((await t.api('POST', `/api/organizations/${other.id}/plugins/`, { json: { url: HELLO } })).status, 403)
    t.fake.user.organizations.push(other.id)
    assert.equal((await t.api('POST', `/api/organizations/${other.id}/plugins/`, { json: { url: HELLO } })).status, 201)
    assert.equal(t.fake.db.plugins.size, 2)
    const [mine, theirs] = [...t.fake.db.plugins.values()]
    assert.equal((await t.api('GET', `/api/organizations/${t.fake.organization.id}/plugins/${theirs.id}/`)).status, 404)
    assert.equal((await t.api('GET', `/api/organizations/${t.fake.organization.id}/plugins/${mine.id}/`)).status, 200)
  })

  test('test_create_plugin_config (PH-2022 body), second create returns the same id, soft delete', async () => {
    const plugin = await t.api('POST', '/api/organizations/@current/plugins/', { json: { url: HELLO } })
    const created = await t.api('POST', '/api/plugin_config/', { form: { plugin: String(plugin.json.id), enabled: 'True', order: '0', config: JSON.stringify({ bar: 'moop' }) } })
    assert.equal(created.status, 201)
    assert.deepEqual(created.json, { id: created.json.id, plugin: plugin.json.id, enabled: true, order: 0, config: { bar: 'moop' }, error: null, team_id: t.fake.team.id })
    const again = await t.api('POST', '/api/plugin_config/', { form: { plugin: String(plugin.json.id), enabled: 'True', order: '0', config: JSON.stringify({ bar: 'moop' }) } })
    assert.equal(again.json.id, created.json.id)
    const patched = await t.api('PATCH', `/api/plugin_config/${created.json.id}`, { form: { enabled: 'False', order: '1', config: JSON.stringify({ bar: 'soup' }) } })
    assert.deepEqual([patched.json.enabled, patched.json.order, patched.json.config], [false, 1, { bar: 'soup' }])
    assert.equal((await t.api('DELETE', `/api/plugin_config/${created.json.id}`)).status, 204)
    assert.equal(t.fake.db.pluginConfigs.size, 1)
  })

  test('test_create_plugin_config_auth, test_update_plugin_config_auth, test_delete_plugin_config_auth', async () => {
    const plugin = await t.api('POST', '/api/organizations/@current/plugins/', { json: { url: HELLO } })
    const form = { plugin: String(plugin.json.id), enabled: 'True', order: '0', config: JSON.stringify({ bar: 'moop' }) }
    setLevel(t.fake, ACCESS.NONE)
    const refused = await t.api('POST', '/api/plugin_config/', { form })
    assert.deepEqual([refused.status, refused.json.detail], [400, 'Plugin configuration is not available for the current organization!'])
    let id = 0
    for (const level of [ACCESS.ROOT, ACCESS.INSTALL, ACCESS.CONFIG]) {
      setLevel(t.fake, level)
      const created = await t.api('POST', '/api/plugin_config/', { form })
      assert.equal(created.status, 201)
      id = created.json.id
      assert.equal((await t.api('PATCH', `/api/plugin_config/${id}/`, { form: { enabled: 'true' } })).status, 200)
      assert.equal((await t.api('DELETE', `/api/plugin_config/${id}/`)).status, 204)
    }
    setLevel(t.fake, ACCESS.NONE)
    assert.equal((await t.api('PATCH', `/api/plugin_config/${id}/`, { form: { enabled: 'true' } })).status, 404)
    assert.equal((await t.api('DELETE', `/api/plugin_config/${id}/`)).status, 404)
  })

  test('test_plugin_config_attachment', async () => {
    const plugin = await t.api('POST', '/api/organizations/@current/plugins/', { json: { url: HELLO } })
    const created = await t.api('POST', '/api/plugin_config/', {
      form: { plugin: String(plugin.json.id), enabled: 'True', order: '0', config: JSON.stringify({ bar: 'moop' }), 'add_attachment[foodb]': { name: 'foo-database-1.db', type: 'application/octet-stream', bytes: bytes(1964) } },
    })
    const uid = t.fake.db.attachments.values().next().value!.id
    assert.deepEqual(created.json.config, { bar: 'moop', foodb: { uid, saved: true, size: 1964, name: 'foo-database-1.db', type: 'application/octet-stream' } })
    const replaced = await t.api('PATCH', `/api/plugin_config/${created.json.id}`, { form: { 'add_attachment[foodb]': { name: 'foo-database-2.db', type: 'application/zip', bytes: bytes(2279, 2) } } })
    assert.deepEqual(replaced.json.config.foodb, { uid, saved: true, size: 2279, name: 'foo-database-2.db', type: 'application/zip' })
    assert.equal(t.fake.db.attachments.size, 1)
    const removed = await t.api('PATCH', `/api/plugin_config/${created.json.id}`, { form: { 'remove_attachment[foodb]': 'True' } })
    assert.deepEqual(removed.json.config, { bar: 'moop' })
    assert.equal(t.fake.db.attachments.size, 0)
  })

  test('test_create_plugin_config_with_secrets', async () => {
    const plugin = await t.api('POST', '/api/organizations/@current/plugins/', { json: { plugin_type: 'source', name: 'secret' } })
    await t.api('PATCH', `/api/organizations/@current/plugins/${plugin.json.id}/update_source`, { json: { 'plugin.json': JSON.stringify({ name: 'secret', config: [{ key: 'bar', type: 'string', secret: true }] }) } })
    const created = await t.api('POST', '/api/plugin_config/', { form: { plugin: String(plugin.json.id), enabled: 'True', order: '0', config: JSON.stringify({ bar: 'very secret value' }) } })
    assert.equal(created.json.config.bar, SECRET_FIELD_VALUE)
    const cleared = await t.api('PATCH', `/api/plugin_config/${created.json.id}`, { form: { config: JSON.stringify({ bar: '' }) } })
    assert.equal(cleared.json.config.bar, '')
    const renewed = await t.api('PATCH', `/api/plugin_config/${created.json.id}`, { form: { config: JSON.stringify({ bar: 'a new very secret value' }) } })
    assert.equal(renewed.json.config.bar, SECRET_FIELD_VALUE)
    assert.deepEqual(t.fake.db.pluginConfigs.get(created.json.id)!.config, { bar: 'a new very secret value' })
    const kept = await t.api('PATCH', `/api/plugin_config/${created.json.id}`, { form: { config: JSON.stringify({}) } })
    assert.equal(kept.json.config.bar, SECRET_FIELD_VALUE)
    assert.deepEqual(t.fake.db.pluginConfigs.get(created.json.id)!.config, { bar: 'a new very secret value' }, 'a missing secret keeps its old value')
  })

  test('test_job_trigger', async () => {
    const plugin = await t.api('POST', '/api/organizations/@current/plugins/', { json: { url: HELLO } })
    const config = await t.api('POST', '/api/plugin_config/', { form: { plugin: String(plugin.json.id), enabled: 'True', order: '0', config: '{}' } })
    const job = await t.api('POST', `/api/plugin_config/${config.json.id}/job`, { json: { job: { type: 'myJob', payload: { a: 1 }, operation: 'stop' } } })
    assert.equal(job.status, 200)
    assert.deepEqual(t.fake.db.jobs, [
      { sql: "SELECT graphile_worker.add_job('pluginJob', %s)", params: [`{"type": "myJob", "payload": {"a": 1, "$operation": "stop"}, "pluginConfigId": ${config.json.id}, "pluginConfigTeam": ${t.fake.team.id}}`] },
    ])
    const missing = await t.api('POST', `/api/plugin_config/${config.json.id}/job`, { json: { job: { payload: {} } } })
    assert.deepEqual([missing.status, missing.json.detail], [400, 'The job type must be specified!'])
  })

  test('test_check_for_updates_plugins_reload_not_called', async () => {
    const plugin = await t.api('POST', '/api/organizations/@current/plugins/', { json: { url: HELLO } })
    assert.equal(t.fake.db.reloads, 1)
    const checked = await t.api('GET', `/api/organizations/@current/plugins/${plugin.json.id}/check_for_updates`)
    assert.equal(checked.status, 200)
    assert.equal(t.fake.db.plugins.get(plugin.json.id)!.latest_tag_checked_at, FROZEN)
    assert.equal(t.fake.db.reloads, 1)
  })

  test('test_get_all_activity', async () => {
    const plugin = await t.api('POST', '/api/organizations/@current/plugins/', { json: { url: HELLO } })
    await t.api('POST', '/api/plugin_config/', { form: { plugin: String(plugin.json.id), enabled: 'True', order: '0', config: '{}' } })
    const activity = await t.api('GET', '/api/organizations/@current/plugins/activity')
    const seen = activity.json.results.map((a: { activity: string; scope: string; detail: { changes: unknown } }) => [a.activity, a.scope, a.detail.changes])
    assert.deepEqual(seen, [['enabled', 'PluginConfig', []], ['installed', 'Plugin', null]])
  })

  test('plugin configs: order is required, config is read only from form data, logs limit must be an integer', async () => {
    const plugin = await t.api('POST', '/api/organizations/@current/plugins/', { json: { plugin_type: 'source', name: 'p' } })
    const noOrder = await t.api('POST', `/api/projects/${t.fake.team.id}/plugin_configs/`, { form: { plugin: String(plugin.json.id), enabled: 'true' } })
    assert.deepEqual(noOrder.json, { type: 'validation_error', code: 'required', detail: 'This field is required.', attr: 'order' })
    const jsonBody = await t.api('POST', '/api/projects/@current/plugin_configs', { json: { plugin: plugin.json.id, enabled: true, order: 0, config: { a: '1' } } })
    assert.deepEqual([jsonBody.status, jsonBody.json.config], [201, {}])
    const logs = await t.api('GET', `/api/projects/${t.fake.team.id}/plugin_configs/${jsonBody.json.id}/logs/?limit=abc`)
    assert.deepEqual([logs.status, logs.json.detail], [400, 'Query param limit must be omitted or an integer!'])
  })
})

describe('fake PostHog: flavors and keys', () => {
  let fakes: FakePostHog[] = []
  before(() => void (fakes = []))
  after(async () => Promise.all(fakes.map((f) => f.stop())))
  const start = async (options: FakePostHogOptions) => {
    const fake = await startFakePostHog(options)
    fakes.push(fake)
    return { fake, api: client(fake) }
  }

  test('PH-2023 adds icon, plugin_info, delivery_rate_24h, created_at and "trigger"', async () => {
    const { fake, api } = await start({ flavor: 'ph-2023', now: () => FROZEN })
    const plugin = await api('POST', '/api/organizations/@current/plugins/', { json: { plugin_type: 'source', name: 'p' } })
    assert.equal(plugin.json.icon, null)
    assert.equal(fake.db.reloads, 0)
    const config = await api('POST', '/api/plugin_config/', { form: { plugin: String(plugin.json.id), enabled: 'True', order: '0', config: '{}' } })
    assert.deepEqual([config.json.plugin_info, config.json.delivery_rate_24h, config.json.created_at], [null, null, FROZEN])
    assert.equal((await api('GET', `/api/plugin_config/${config.json.id}`)).json.plugin_info.name, 'p')
    assert.ok('trigger' in fake.db.activity[0].detail)
  })

  test('a late instance refuses new plugin configs with its 400', async () => {
    const { api } = await start({ flavor: 'late' })
    const plugin = await api('POST', '/api/organizations/@current/plugins/', { json: { plugin_type: 'source', name: 'p' } })
    const refused = await api('POST', '/api/projects/@current/plugin_configs/', { form: { plugin: String(plugin.json.id), enabled: 'true', order: '0', config: '{}' } })
    assert.deepEqual([refused.status, refused.json], [400, { type: 'validation_error', code: 'invalid_input', detail: PLUGIN_CREATION_REFUSED, attr: null }])
  })

  test('scoped keys (PH-late) need plugin:write to change anything', async () => {
    const { api } = await start({ flavor: 'late', scopes: ['plugin:read'] })
    assert.equal((await api('GET', '/api/organizations/@current/plugins/')).status, 200)
    const refused = await api('POST', '/api/organizations/@current/plugins/', { json: { plugin_type: 'source', name: 'p' } })
    assert.deepEqual([refused.status, refused.json.detail], [403, "API key missing required scope 'plugin:write'"])
  })

  test('the server stops itself after its lifetime', async () => {
    const { fake } = await start({ lifetimeMs: 50 })
    await new Promise((r) => setTimeout(r, 150))
    await assert.rejects(fetch(`${fake.url}/api/users/@me/`))
  })
})

describe('fake PostHog: TestPluginsAccessLevelAPI truth table (§4.5)', () => {
  test('root / install / config / view per level', () => {
    const table: [number, boolean[]][] = [
      [ACCESS.ROOT, [true, true, true, true]],
      [ACCESS.INSTALL, [false, true, true, true]],
      [ACCESS.CONFIG, [false, false, true, true]],
      [ACCESS.NONE, [false, false, false, false]],
    ]
    for (const [level, expected] of table) {
      const org = { id: 'org', name: 'org', plugins_access_level: level }
      assert.deepEqual([canGloballyManage(org), canInstall(org), canConfigure(org), canView(org)], expected, `level ${level}`)
    }
  })
})
