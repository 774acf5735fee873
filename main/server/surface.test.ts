// Browser mode's attack surface beyond the token and Origin checks (server.test.ts): request size
// limits on HTTP and on the socket (a clear refusal, and the server stays up), and directory
// traversal through every file-taking call of the studio protocol (`../`, absolute paths, links out).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import path from 'node:path'
import os from 'node:os'
import net from 'node:net'
import { request } from 'node:http'
import { mkdtemp, mkdir, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import WebSocket from 'ws'
import { connect } from '../../common/rpc/rpc.ts'
import type { StudioEvents, StudioMethods } from '../../common/protocol/studio.ts'
import { SERVER_LIMITS, startServer } from './server.ts'
import { wsClientTransport } from './ws-client-transport.ts'

async function setup(t: { after(fn: () => Promise<void>): void }) {
  const root = await mkdtemp(path.join(os.tmpdir(), 'surface-test-'))
  const workspace = path.join(root, 'workspace')
  const outside = path.join(root, 'outside')
  const rendererDir = path.join(root, 'renderer')
  await mkdir(path.join(workspace, 'hello'), { recursive: true })
  await mkdir(path.join(workspace, 'events'), { recursive: true })
  await mkdir(path.join(outside, 'plugin'), { recursive: true })
  await mkdir(rendererDir)
  await writeFile(path.join(rendererDir, 'index.html'), '<!doctype html>')
  await writeFile(path.join(workspace, 'hello', 'plugin.json'), '{"name": "Hello"}')
  await writeFile(path.join(workspace, 'hello', 'index.js'), 'export function processEvent(e) { return e }\n')
  await writeFile(path.join(outside, 'secret.txt'), 'TOP SECRET')
  await writeFile(path.join(outside, 'events.json'), '[{"event":"stolen","distinct_id":"x"}]')
  await writeFile(path.join(outside, 'plugin', 'plugin.json'), '{"name": "Outside"}')
  await writeFile(path.join(outside, 'plugin', 'index.js'), 'export function processEvent(e) { return e }\n')
  // Links out of the workspace: to a file, to a folder, to a plugin folder, to an event file, and a dangling one.
  await symlink(path.join(outside, 'secret.txt'), path.join(workspace, 'hello', 'secret-link.txt'))
  await symlink(outside, path.join(workspace, 'hello', 'outside-dir'))
  await symlink(path.join(outside, 'plugin'), path.join(workspace, 'linked-plugin'))
  await symlink(path.join(outside, 'events.json'), path.join(workspace, 'events', 'linked.json'))
  await symlink(path.join(outside, 'missing.txt'), path.join(workspace, 'hello', 'dangling.txt'))
  const server = await startServer({ workspaceDir: workspace, rendererDir })
  t.after(async () => {
    await server.close()
    await rm(root, { recursive: true, force: true })
  })
  const url = new URL(server.url)
  return { server, root, workspace, outside, base: url.origin, port: Number(url.port), token: server.token }
}

function send(url: string, options: { method?: string; headers?: Record<string, string | number>; body?: Buffer | string } = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? 'GET', headers: options.headers }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (chunk) => (body += chunk))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
    })
    // The server may answer and close before the whole body is sent.
    req.on('error', (error: NodeJS.ErrnoException) => (error.code === 'EPIPE' || error.code === 'ECONNRESET' ? resolve({ status: -1, body: error.code }) : reject(error)))
    req.end(options.body)
  })
}

async function studioSocket(base: string, token: string, t: { after(fn: () => void): void }) {
  const socket = new WebSocket(`${base.replace('http', 'ws')}/studio?token=${token}`, { origin: base })
  await new Promise((resolve, reject) => {
    socket.once('open', resolve)
    socket.once('error', reject)
  })
  t.after(() => socket.terminate())
  const studio = connect<StudioMethods, StudioEvents>(wsClientTransport(socket))
  return { socket, studio }
}

async function stillUp(base: string, token: string, t: { after(fn: () => void): void }) {
  assert.equal((await send(`${base}/?token=${token}`)).status, 200, 'the server no longer serves the page')
  const { studio } = await studioSocket(base, token, t)
  assert.equal((await studio.workspaceInfo()).name, 'workspace', 'the server no longer answers on a new socket')
}

test('HTTP bodies are refused with 413 or 405, whatever their size; oversized headers get 431; the server stays up', async (t) => {
  const { base, token } = await setup(t)
  const withToken = `${base}/?token=${token}`
  assert.deepEqual(await send(withToken, { headers: { 'content-length': 5 }, body: 'hello' }), { status: 413, body: 'Requests carry no body here' })
  const chunked = await send(withToken, { headers: { 'transfer-encoding': 'chunked' }, body: Buffer.alloc(1024 * 1024, 'x') })
  assert.ok(chunked.status === 413 || chunked.status === -1, `chunked body: ${chunked.status}`)
  // A 50 MB POST: refused (no route accepts a body), not buffered.
  const big = await send(withToken, { method: 'POST', headers: { 'content-length': 50 * 1024 * 1024 }, body: Buffer.alloc(50 * 1024 * 1024) })
  assert.ok(big.status === 405 || big.status === -1, `50 MB POST: ${big.status}`)
  for (const method of ['PUT', 'PATCH', 'DELETE']) assert.equal((await send(withToken, { method, body: 'x' })).status, 405, method)
  const headers = await send(withToken, { headers: { 'x-padding': 'y'.repeat(SERVER_LIMITS.MAX_HEADER_BYTES + 1) } })
  assert.ok(headers.status === 431 || headers.status === -1, `oversized headers: ${headers.status}`)
  // Without the token a body is refused the same way, before anything reads it.
  assert.equal((await send(`${base}/`, { method: 'POST', body: 'x'.repeat(100_000) })).status, 401)
  await stillUp(base, token, t)
})

test('a half-sent request with a huge declared body does not hold the server', async (t) => {
  const { base, token, port } = await setup(t)
  const socket = net.connect(port, '127.0.0.1')
  await new Promise((resolve) => socket.once('connect', resolve))
  socket.write(`POST /?token=${token} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Length: 1073741824\r\n\r\npartial`)
  const answer = await new Promise<string>((resolve) => {
    let text = ''
    socket.on('data', (chunk) => (text += chunk.toString()))
    socket.on('close', () => resolve(text))
    setTimeout(() => resolve(text), 2000)
  })
  socket.destroy()
  assert.match(answer, /^HTTP\/1\.1 405 /)
  await stillUp(base, token, t)
})

test('a WebSocket message over the limit closes that socket with 1009 "Max payload size exceeded"; the studio stays up', async (t) => {
  const { base, token } = await setup(t)
  const { socket } = await studioSocket(base, token, t)
  const closed = new Promise<{ code: number; reason: string }>((resolve) => socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() })))
  socket.on('error', () => {})
  socket.send(Buffer.alloc(SERVER_LIMITS.MAX_MESSAGE_BYTES + 1, 0x20))
  const { code } = await closed
  assert.equal(code, 1009, 'the refusal is the protocol’s own “message too big” close code')
  await stillUp(base, token, t)
})

test('a frame that is not the protocol: JSON is ignored, non-JSON and binary frames close that socket with a reason; the studio stays up', async (t) => {
  const { base, token } = await setup(t)
  const { socket, studio } = await studioSocket(base, token, t)
  for (const junk of ['{"jsonrpc":"2.0"}', '[]', 'null', '"text"', JSON.stringify({ id: 1, method: '__proto__', params: [] }), JSON.stringify({ __proto__: { polluted: true } })]) socket.send(junk)
  assert.deepEqual((await studio.listPlugins()).map((p) => p.id), ['hello'])
  assert.equal(({} as Record<string, unknown>).polluted, undefined)
  for (const [junk, code, reason] of [['{"a":'.repeat(10_000), 1007, 'not JSON'], [Buffer.from([1, 2, 3]), 1003, 'text frames only']] as const) {
    const { socket } = await studioSocket(base, token, t)
    const closed = new Promise<[number, string]>((resolve) => socket.once('close', (c, r) => resolve([c, r.toString()])))
    socket.send(junk)
    assert.deepEqual(await closed, [code, reason])
  }
  await stillUp(base, token, t)
})

test('no file API reaches outside the workspace: ../, absolute paths, links to files and folders out', async (t) => {
  const { base, token, workspace, outside, root } = await setup(t)
  const { studio } = await studioSocket(base, token, t)
  const escapes = ['../outside/secret.txt', 'hello/../../outside/secret.txt', `${outside}/secret.txt`, '/etc/passwd', 'C:\\Windows\\win.ini', '..\\outside\\secret.txt', 'hello/secret-link.txt', 'hello/outside-dir/secret.txt', 'hello/dangling.txt', 'linked-plugin/index.js', 'hello/\0.txt']
  let refusals = 0
  const refused = async (what: string, call: () => Promise<unknown>) => {
    await assert.rejects(call(), (error: Error) => {
      assert.match(error.message, /outside the workspace|leaves the workspace|absolute|symbolic link|NUL|not a plugin folder|does not exist|Unknown event file|No sample|read-only|is not|already exists/, `${what}: ${error.message}`)
      assert.doesNotMatch(error.message, /TOP SECRET/)
      return true
    }, what)
    refusals++
  }
  for (const bad of escapes) {
    await refused(`readFile ${bad}`, () => studio.readFile(bad))
    await refused(`writeFile ${bad}`, () => studio.writeFile(bad, 'pwned'))
    await refused(`createFile ${bad}`, () => studio.createFile(bad, 'pwned'))
    await refused(`deleteFile ${bad}`, () => studio.deleteFile(bad))
    await refused(`renameFile from ${bad}`, () => studio.renameFile(bad, 'hello/taken.txt'))
    await refused(`renameFile to ${bad}`, () => studio.renameFile('hello/index.js', bad))
    await refused(`listFiles ${bad}`, () => studio.listFiles(bad))
    await refused(`readEventFile workspace:${bad}`, () => studio.readEventFile(`workspace:${bad}`))
    await refused(`readEventFile sample:${bad}`, () => studio.readEventFile(`sample:${bad}`))
    await refused(`getConfig ${bad}`, () => studio.getConfig(bad))
    await refused(`loadPlugins ${bad}`, () => studio.loadPlugins({ plugins: [bad] }))
  }
  await refused('readEventFile through a link', () => studio.readEventFile('workspace:events/linked.json'))
  await refused('listFiles of a linked plugin folder', () => studio.listFiles('linked-plugin'))
  await refused('createPlugin into ../', () => studio.createPlugin({ name: 'Evil', template: 'enrichment', language: 'ts', folder: '../outside/evil' }))
  await refused('createPlugin through a linked folder', () => studio.createPlugin({ name: 'Evil', template: 'enrichment', language: 'ts', folder: 'hello/outside-dir/evil' }))
  // Names that only look like paths stay inside: an imported or new event file lands in events/.
  const imported = await studio.importEventFile({ fileName: '../../outside/pwned.json', text: '{"event":"x","distinct_id":"y"}' })
  assert.match(imported.file.path ?? '', /^events\/[^/]+\.jsonl$/)
  const created = await studio.createEventFile('../../outside/pwned', [])
  assert.match(created.path ?? '', /^events\/[^/]+$/)
  // Nothing outside was read into a listing, changed or created.
  assert.deepEqual((await studio.listPlugins()).map((p) => p.id), ['hello'], 'a linked plugin folder was followed')
  assert.deepEqual((await studio.listFiles('hello')).map((f) => f.path), ['hello/index.js', 'hello/plugin.json'])
  assert.equal(await readFile(path.join(outside, 'secret.txt'), 'utf8'), 'TOP SECRET')
  assert.deepEqual((await readdir(outside)).sort(), ['events.json', 'plugin', 'secret.txt'])
  assert.deepEqual((await readdir(root)).sort(), ['outside', 'renderer', 'workspace'])
  assert.equal(await readFile(path.join(workspace, 'hello', 'index.js'), 'utf8'), 'export function processEvent(e) { return e }\n')
  console.log(`file API traversal attempts refused: ${refusals}`)
})
