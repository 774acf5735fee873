// Browser mode: the built renderer over HTTP and the studio protocol over a WebSocket, on the loopback
// interface only. Every request and socket must present the per-launch token (a wrong or missing one
// gets a bare 401), sockets must come from this server's own origin, and nothing accepts a body.
import path from 'node:path'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { Duplex } from 'node:stream'
import { WebSocketServer } from 'ws'
import { STUDIO_SOCKET_PATH } from '../../common/protocol/studio.ts'
import { APP_ROOT, composeStudio } from '../compose.ts'
import { serveStudio, type StudioService } from '../services/studio-service.ts'
import { createToken, presentedToken, tokenCookie } from './access-token.ts'
import { setSecurityHeaders } from './security-headers.ts'
import { socketTransport } from './socket-transport.ts'
import { resolveStatic, sendFile } from './static-files.ts'

export const RENDERER_DIR = path.join(APP_ROOT, 'out', 'renderer')
export const SERVER_LIMITS = {
  /** Request line + headers. */
  MAX_HEADER_BYTES: 16 * 1024,
  /** One WebSocket message (a file being saved, a list of events to run). */
  MAX_MESSAGE_BYTES: 64 * 1024 * 1024,
  MAX_SOCKETS: 32,
} as const

export interface ServerOptions {
  /** The workspace to open; absent: the default workspace in the user's data folder. */
  workspaceDir?: string
  /** 0 or absent: a free port. */
  port?: number
  /** Loopback only: 127.0.0.1 (default), localhost or ::1. */
  host?: string
  /** The built renderer; out/renderer by default. */
  rendererDir?: string
  /** The Node binary for the runtime process. */
  nodePath?: string
}

export interface RunningServer {
  /** The address to open, token included. */
  url: string
  token: string
  close(): Promise<void>
}

const LOOPBACK = new Map([
  ['127.0.0.1', '127.0.0.1'],
  ['localhost', '127.0.0.1'],
  ['::1', '::1'],
])

export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  const host = LOOPBACK.get(options.host ?? '127.0.0.1')
  if (!host) throw new Error(`Browser mode listens on the loopback interface only (127.0.0.1, localhost or ::1), not "${options.host}"`)
  const port = options.port ?? 0
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`Not a port number: ${options.port}`)
  const rendererDir = options.rendererDir ?? RENDERER_DIR
  const studio = await composeStudio({ workspaceDir: options.workspaceDir, nodePath: options.nodePath })
  const token = createToken()

  const server = createServer({ maxHeaderSize: SERVER_LIMITS.MAX_HEADER_BYTES })
  const sockets = new WebSocketServer({ noServer: true, maxPayload: SERVER_LIMITS.MAX_MESSAGE_BYTES })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => resolve())
  })
  const address = server.address()
  if (!address || typeof address === 'string') throw new Error('The server has no TCP address')
  const boundPort = address.port
  const origin = `http://${host === '::1' ? '[::1]' : host}:${boundPort}`
  // The Host header must name this server: a page on another name that resolves here (DNS rebinding) is refused.
  const allowedHosts = new Set([`${host === '::1' ? '[::1]' : host}:${boundPort}`, `localhost:${boundPort}`])
  const allowedOrigins = new Set([origin, `http://localhost:${boundPort}`])

  server.on('request', (request, response) => {
    void handleRequest(request, response).catch(() => {
      if (!response.headersSent) plain(response, 500, 'Internal error')
      else response.destroy()
    })
  })

  async function handleRequest(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', origin)
    if (!allowedHosts.has(request.headers.host ?? '')) return plain(response, 421, 'Misdirected request')
    const source = presentedToken(request, url, token, boundPort)
    if (!source) return unauthorized(response)
    setSecurityHeaders(response, origin)
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.setHeader('Allow', 'GET, HEAD')
      return plain(response, 405, 'Method not allowed')
    }
    if (Number(request.headers['content-length'] ?? 0) > 0 || request.headers['transfer-encoding']) return plain(response, 413, 'Requests carry no body here')
    if (url.pathname === STUDIO_SOCKET_PATH) return plain(response, 426, 'Upgrade to a WebSocket')
    const file = await resolveStatic(rendererDir, url.pathname)
    if (!file) {
      if (url.pathname === '/') return plain(response, 503, `The renderer is not built (${path.join(rendererDir, 'index.html')} is missing): run npm run build`)
      return plain(response, 404, 'Not found')
    }
    // The first page load carries the token in the URL; the cookie lets its assets and workers load.
    if (source === 'query') response.setHeader('Set-Cookie', tokenCookie(boundPort, token))
    await sendFile(response, file, request.method === 'HEAD')
  }

  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(request.url ?? '/', origin)
    const refuse = (status: string) => {
      socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`)
      socket.destroy()
    }
    if (!allowedHosts.has(request.headers.host ?? '')) return refuse('421 Misdirected Request')
    if (!presentedToken(request, url, token, boundPort)) return refuse('401 Unauthorized')
    if (!allowedOrigins.has(request.headers.origin ?? '')) return refuse('403 Forbidden')
    if (url.pathname !== STUDIO_SOCKET_PATH) return refuse('404 Not Found')
    if (sockets.clients.size >= SERVER_LIMITS.MAX_SOCKETS) return refuse('503 Service Unavailable')
    sockets.handleUpgrade(request, socket, head, (ws) => {
      const connection = serveStudio(socketTransport(ws), studio)
      ws.on('close', () => connection.dispose())
      ws.on('error', () => ws.terminate())
    })
  })

  let closing: Promise<void> | undefined
  return {
    url: `${origin}/?token=${token}`,
    token,
    close() {
      closing ??= shutdown(server, sockets, studio)
      return closing
    },
  }
}

async function shutdown(server: ReturnType<typeof createServer>, sockets: WebSocketServer, studio: StudioService): Promise<void> {
  for (const client of sockets.clients) client.terminate()
  await new Promise<void>((resolve) => sockets.close(() => resolve()))
  server.closeAllConnections()
  await new Promise<void>((resolve) => server.close(() => resolve()))
  await studio.dispose()
}

function plain(response: ServerResponse, status: number, text: string): void {
  response.statusCode = status
  response.setHeader('Content-Type', 'text/plain; charset=utf-8')
  response.setHeader('Cache-Control', 'no-store')
  response.end(text)
}

/** A wrong or missing token learns nothing: no security headers that describe the app, no body. */
function unauthorized(response: ServerResponse): void {
  response.statusCode = 401
  response.setHeader('Content-Length', 0)
  response.setHeader('Cache-Control', 'no-store')
  response.end()
}
