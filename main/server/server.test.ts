import { test } from 'node:test'
import assert from 'node:assert/strict'
import path from 'node:path'
import os from 'node:os'
import { request } from 'node:http'
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises'
import WebSocket from 'ws'
import { connect } from '../../common/rpc/rpc.ts'
import type { StudioEvents, StudioMethods } from '../../common/protocol/studio.ts'
import { startServer, type RunningServer } from './server.ts'
import { wsClientTransport } from './ws-client-transport.ts'

async function setup(t: { after(fn: () => Promise<void>): void }): Promise<{ server: RunningServer; workspace: string; base: string; port: number }> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'server-test-'))
  const workspace = path.join(root, 'workspace')
  const rendererDir = path.join(root, 'renderer')
  await mkdir(path.join(workspace, 'hello'), { recursive: true })
  await writeFile(path.join(workspace, 'hello', 'plugin.json'), '{"name": "Hello"}')
  await writeFile(path.join(workspace, 'hello', 'index.js'), 'export function processEvent(e) { return e }\n')
  await mkdir(path.join(rendererDir, 'assets'), { recursive: true })
  await writeFile(path.join(rendererDir, 'index.html'), '<!doctype html><script type="module" src="/assets/app.js"></script>')
  await writeFile(path.join(rendererDir, 'assets', 'app.js'), 'console.log(1)')
  await writeFile(path.join(rendererDir, 'assets', 'ts.worker.js'), 'self.onmessage = () => {}')
  await writeFile(path.join(rendererDir, '.secret'), 'no')
  await writeFile(path.join(root, 'outside.txt'), 'outside')
  const server = await startServer({ workspaceDir: workspace, rendererDir })
  t.after(async () => {
    await server.close()
    await rm(root, { recursive: true, force: true })
  })
  const url = new URL(server.url)
  return { server, workspace, base: url.origin, port: Number(url.port) }
}

function get(url: string, headers: Record<string, string> = {}, method = 'GET'): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (chunk) => (body += chunk))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }))
    })
    req.on('error', reject)
    req.end()
  })
}

/** Opens a socket; resolves with it once open, or with the HTTP status of a refused upgrade. */
function openSocket(url: string, origin?: string): Promise<{ socket?: WebSocket; status?: number }> {
  return new Promise((resolve) => {
    const socket = new WebSocket(url, origin ? { origin } : {})
    socket.on('open', () => resolve({ socket }))
    socket.on('unexpected-response', (_req, res) => {
      resolve({ status: res.statusCode })
      socket.terminate()
    })
    socket.on('error', () => resolve({ status: -1 }))
  })
}

test('listens on 127.0.0.1 only and refuses other interfaces', async (t) => {
  const { server } = await setup(t)
  assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{40,}$/)
  await assert.rejects(startServer({ host: '0.0.0.0' }), /loopback interface only/)
  const lan = Object.values(os.networkInterfaces()).flat().find((i) => i && i.family === 'IPv4' && !i.internal)
  if (lan) {
    const port = new URL(server.url).port
    await assert.rejects(get(`http://${lan.address}:${port}/?token=${server.token}`), /ECONNREFUSED/)
  }
})

test('a missing or wrong token gets a bare 401, on every path', async (t) => {
  const { base, server } = await setup(t)
  for (const pathname of ['/', '/assets/app.js', '/index.html', '/studio', '/nope']) {
    for (const suffix of ['', '?token=wrong', `?token=${server.token.slice(0, -1)}x`]) {
      const res = await get(`${base}${pathname}${suffix}`)
      assert.equal(res.status, 401, `${pathname}${suffix}`)
      assert.equal(res.body, '')
      assert.equal(res.headers['set-cookie'], undefined)
    }
  }
  assert.equal((await get(`${base}/`, { cookie: 'plugin-studio-token-1=abc' })).status, 401)
})

test('serves the renderer with its token: MIME types, CSP, cookie for assets, no escapes', async (t) => {
  const { base, server, port } = await setup(t)
  const page = await get(`${base}/?token=${server.token}`)
  assert.equal(page.status, 200)
  assert.equal(page.headers['content-type'], 'text/html; charset=utf-8')
  const csp = String(page.headers['content-security-policy'])
  assert.match(csp, /script-src 'self'(;|$)/)
  assert.match(csp, /worker-src 'self' blob:/)
  assert.doesNotMatch(csp, /https?:\/\/(?!127\.0\.0\.1)/)
  assert.equal(page.headers['x-content-type-options'], 'nosniff')
  const cookie = String(page.headers['set-cookie']).split(';')[0]
  assert.equal(cookie, `plugin-studio-token-${port}=${server.token}`)
  const script = await get(`${base}/assets/app.js`, { cookie })
  assert.equal(script.status, 200)
  assert.equal(script.headers['content-type'], 'text/javascript; charset=utf-8')
  assert.equal((await get(`${base}/assets/ts.worker.js`, { authorization: `Bearer ${server.token}` })).status, 200)
  for (const bad of ['/.secret', '/../outside.txt', '/%2e%2e/outside.txt', '/assets/..%2f..%2foutside.txt', '/assets/']) {
    assert.equal((await get(`${base}${bad}`, { cookie })).status, 404, bad)
  }
  assert.equal((await get(`${base}/`, { cookie }, 'POST')).status, 405)
  assert.equal((await get(`${base}/`, { cookie, host: 'evil.example:80' })).status, 421)
})

test('the socket needs the token and this server’s own origin; then the studio answers', async (t) => {
  const { base, server } = await setup(t)
  const socketUrl = `${base.replace('http', 'ws')}/studio`
  assert.equal((await openSocket(socketUrl, base)).status, 401)
  assert.equal((await openSocket(`${socketUrl}?token=nope`, base)).status, 401)
  assert.equal((await openSocket(`${socketUrl}?token=${server.token}`, 'http://evil.example')).status, 403)
  assert.equal((await openSocket(`${socketUrl}?token=${server.token}`, 'http://127.0.0.1:1')).status, 403)
  assert.equal((await openSocket(`${socketUrl}?token=${server.token}`)).status, 403)

  const { socket } = await openSocket(`${socketUrl}?token=${server.token}`, base)
  assert.ok(socket)
  t.after(() => socket.close())
  const studio = connect<StudioMethods, StudioEvents>(wsClientTransport(socket))
  const info = await studio.workspaceInfo()
  assert.equal(info.name, 'workspace')
  const plugins = await studio.listPlugins()
  assert.deepEqual(plugins.map((p) => [p.id, p.name, p.entry]), [['hello', 'Hello', 'hello/index.js']])
  const written = await studio.writeFile('hello/notes.md', '# notes\n')
  assert.equal((await studio.readFile('hello/notes.md')).version, written.version)
  await assert.rejects(studio.readFile('../outside.txt'), { name: 'PathError' })
  const loose = studio as unknown as Record<string, () => Promise<unknown>>
  await assert.rejects(loose['constructor'](), /Unknown method/)
  await assert.rejects(loose['subscribe'](), /Unknown method/)
})
