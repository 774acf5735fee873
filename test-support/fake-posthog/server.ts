// A fake self-hosted PostHog on 127.0.0.1 that answers the plugin REST API the way reference §4
// describes it: routes with optional trailing slashes, personal API key auth, plugin access
// levels, drf-exceptions-hog error bodies. It acts as an old instance ('ph-2022', 'ph-2023') or a
// late one that refuses new plugin configs, and stops itself after `lifetimeMs`.
import { randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Context } from './context.ts'
import { routeTeam } from './context.ts'
import { ApiError, readBody, sendJson, sendText, serverError } from './http.ts'
import { pluginConfigRoutes } from './routes-configs.ts'
import { pluginRoutes, type Archive, type Reply } from './routes-plugins.ts'
import { ACCESS, FakeDatabase, type Flavor, type Organization, type Team, type User } from './state.ts'

export { ACCESS, PLUGIN_CREATION_REFUSED, SECRET_FIELD_VALUE } from './state.ts'
export type { Archive } from './routes-plugins.ts'

export interface FakePostHogOptions {
  flavor?: Flavor
  /** The personal API key that works; default a random `phx_…`. */
  apiKey?: string
  pluginsAccessLevel?: number
  /** PH-late key scopes, e.g. ['plugin:read']; default none (keys of older instances). */
  scopes?: string[] | null
  /** GitHub/GitLab/npm repositories that "download" (mocked_plugin_requests_get). */
  archives?: Record<string, Archive>
  /** Fixed clock (the upstream tests freeze time). */
  now?: () => string
  lifetimeMs?: number
}

export interface FakePostHog {
  url: string
  apiKey: string
  db: FakeDatabase
  organization: Organization
  team: Team
  user: User
  /** Every request the server saw: method, path and the content type, for assertions. */
  requests: { method: string; path: string; contentType: string | undefined }[]
  stop(): Promise<void>
}

/** Our own stand-in for the repository PostHog's tests install (same name, schema and description). */
export const HELLO_WORLD_ARCHIVE: Archive = {
  tag: 'f5a9ea85adaafe7c99014b7e8e0982c447631d54',
  files: {
    'plugin.json': JSON.stringify({
      name: 'helloworldplugin',
      description: 'Greet the World and Foo a Bar, JS edition!',
      url: 'https://github.com/PostHog/helloworldplugin',
      main: 'index.js',
      config: { bar: { name: "What's in the bar?", type: 'string', default: 'baz', required: false } },
    }),
    'index.js': "function processEvent(event, { config }) {\n  event.properties = { ...event.properties, hello: 'world', bar: config.bar }\n  return event\n}\n",
  },
}

export async function startFakePostHog(options: FakePostHogOptions = {}): Promise<FakePostHog> {
  const flavor = options.flavor ?? 'ph-2022'
  const apiKey = options.apiKey ?? `phx_${randomBytes(20).toString('hex')}`
  const db = new FakeDatabase()
  const organization = db.addOrganization('Test Organization', options.pluginsAccessLevel ?? ACCESS.ROOT)
  const team = db.addTeam(organization, 'Default project')
  const user = db.addUser('user1@posthog.com', apiKey, [organization], options.scopes ?? null)
  const archives = new Map<string, Archive>(
    Object.entries({
      'https://github.com/PostHog/helloworldplugin': HELLO_WORLD_ARCHIVE,
      'https://gitlab.com/mariusandra/helloworldplugin': HELLO_WORLD_ARCHIVE,
      'https://gitlab.com/mariusandra/helloworldplugin-other': { ...HELLO_WORLD_ARCHIVE, files: { ...HELLO_WORLD_ARCHIVE.files, 'plugin.json': HELLO_WORLD_ARCHIVE.files['plugin.json'].replace('"helloworldplugin"', '"helloworldplugin-other"') } },
      ...options.archives,
    }),
  )
  const now = options.now ?? (() => new Date().toISOString())
  const requests: FakePostHog['requests'] = []
  let baseUrl = ''

  const server = createServer((req, res) => {
    requests.push({ method: req.method ?? 'GET', path: req.url ?? '/', contentType: req.headers['content-type'] })
    handle(req, res).catch((error: unknown) => {
      const apiError = error instanceof ApiError ? error : serverError()
      if (!(error instanceof ApiError)) process.stderr.write(`fake PostHog: ${String((error as Error)?.stack ?? error)}\n`)
      if (!res.headersSent) sendJson(res, apiError.status, apiError.body())
      else res.end()
    })
  })

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', baseUrl)
    // DefaultRouterPlusPlus: the trailing slash is optional.
    const parts = url.pathname.replace(/\/+$/, '').split('/').filter(Boolean)
    // Django resolves the URL before any view runs: unknown paths are its HTML 404, key or not.
    if (parts[0] !== 'api' || !['users', 'organizations', 'projects', 'plugin_config'].includes(parts[1] ?? '')) {
      return sendText(res, 404, 'text/html', '<h1>Not Found</h1><p>The requested resource was not found on this server.</p>')
    }
    const body = await readBody(req)
    const authUser = authenticate(req, url, body.json?.personal_api_key ?? body.form?.get('personal_api_key'))
    const ctx: Context = { db, flavor, user: authUser, method: req.method ?? 'GET', url, body, baseUrl: baseUrl.replace(/\/$/, ''), now }
    const reply = route(ctx, parts.slice(1))
    if (!reply) return sendText(res, 404, 'text/html', '<h1>Not Found</h1><p>The requested resource was not found on this server.</p>')
    if (reply.status === 204) {
      res.writeHead(204)
      return void res.end()
    }
    if (reply.text) return sendText(res, reply.status, reply.text.type, reply.text.content)
    sendJson(res, reply.status, reply.body)
  }

  /** PersonalAPIKeyAuthentication: header, then body, then query string. */
  function authenticate(req: IncomingMessage, url: URL, bodyKey: unknown): User {
    const header = /^Bearer\s+(\S.+)$/.exec(req.headers.authorization ?? '')?.[1]
    const sources: [string, unknown][] = [['Authorization header', header], ['body', bodyKey], ['query string', url.searchParams.get('personal_api_key')]]
    const found = sources.find(([, key]) => typeof key === 'string' && key)
    if (!found) throw new ApiError(401, 'authentication_error', 'not_authenticated', 'Authentication credentials were not provided.')
    const match = db.users.find((u) => u.key === found[1])
    if (!match) throw new ApiError(401, 'authentication_error', 'authentication_failed', `Personal API key found in request ${found[0]} is invalid.`)
    return match
  }

  function route(ctx: Context, parts: string[]): Reply | null {
    const [resource, a, b, ...rest] = parts
    if (resource === 'users' && a === '@me' && b === undefined && ctx.method === 'GET') return { status: 200, body: me(ctx) }
    if (resource === 'organizations' && a && b === 'plugins') return pluginRoutes(ctx, parts.slice(1), archives)
    if (resource === 'projects' && a && b === 'plugin_configs') {
      return pluginConfigRoutes(ctx, routeTeam(ctx, a), rest)
    }
    if (resource === 'plugin_config') return pluginConfigRoutes(ctx, routeTeam(ctx, '@current'), parts.slice(1))
    return null
  }

  function me(ctx: Context): Record<string, unknown> {
    const current = db.organization(ctx.user.organizations[0])!
    const currentTeam = db.currentTeam(ctx.user)
    const teamBody = (t: Team) => ({ id: t.id, uuid: t.uuid, organization: t.organization, name: t.name, api_token: t.api_token })
    return {
      uuid: ctx.user.uuid,
      email: ctx.user.email,
      first_name: ctx.user.first_name,
      organization: { id: current.id, name: current.name, plugins_access_level: current.plugins_access_level, teams: db.teams.filter((t) => t.organization === current.id).map(teamBody) },
      team: currentTeam ? teamBody(currentTeam) : null,
      organizations: ctx.user.organizations.map((id) => ({ id, name: db.organization(id)!.name })),
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const { port } = server.address() as AddressInfo
  baseUrl = `http://127.0.0.1:${port}/`
  let stopped = false
  const stop = async () => {
    if (stopped) return
    stopped = true
    clearTimeout(timer)
    server.closeAllConnections()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  }
  const timer = setTimeout(() => void stop(), options.lifetimeMs ?? 120_000)
  timer.unref()
  return { url: baseUrl.replace(/\/$/, ''), apiKey, db, organization, team, user, requests, stop }
}
