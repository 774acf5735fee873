// "Open in Chrome DevTools": a WebSocket CDP endpoint on 127.0.0.1 (never another interface) whose
// path is a random token per plugin; each connection gets its own inspector session on that plugin's
// isolate in the runtime process (debugCdpOpen), and messages are relayed both ways as they are.
import { randomBytes } from 'node:crypto'
import type { AddressInfo } from 'node:net'
import { WebSocketServer, type WebSocket } from 'ws'
import type { PipelineRunner } from '../pipeline-session.ts'

export class DevtoolsEndpoint {
  private readonly server: WebSocketServer
  private readonly runner: () => PipelineRunner | null
  /** token → plugin id (shared with the server's upgrade check) */
  private readonly tokens: Map<string, string>
  /** runtime session id → its socket */
  private readonly sockets = new Map<string, WebSocket>()

  private constructor(server: WebSocketServer, runner: () => PipelineRunner | null, tokens: Map<string, string>) {
    this.server = server
    this.runner = runner
    this.tokens = tokens
    server.on('connection', (socket, request) => void this.connect(socket, (request.url ?? '').slice(1)))
  }

  static async start(options: { runner: () => PipelineRunner | null }): Promise<DevtoolsEndpoint> {
    const tokens = new Map<string, string>()
    const server = await new Promise<WebSocketServer>((resolve, reject) => {
      const s = new WebSocketServer({
        host: '127.0.0.1',
        port: 0,
        // A wrong path is refused before the upgrade: nothing is said about what exists.
        verifyClient: (info: { req: { url?: string } }) => tokens.has((info.req.url ?? '').slice(1)),
      })
      s.once('listening', () => resolve(s))
      s.once('error', reject)
    })
    return new DevtoolsEndpoint(server, options.runner, tokens)
  }

  /** `127.0.0.1:PORT/TOKEN` for the plugin (what DevTools' `ws=` parameter takes). */
  address(plugin: string): string {
    let token = [...this.tokens].find(([, p]) => p === plugin)?.[0]
    if (!token) {
      token = randomBytes(24).toString('base64url')
      this.tokens.set(token, plugin)
    }
    return `127.0.0.1:${(this.server.address() as AddressInfo).port}/${token}`
  }

  /** A runtime 'debugCdp' event: a message for one socket, or its session ended. */
  fromRuntime(m: { session: string; message?: string; closed?: boolean }): void {
    const socket = this.sockets.get(m.session)
    if (!socket) return
    if (m.closed) {
      this.sockets.delete(m.session)
      socket.close(1000, 'The plugin was reloaded')
      return
    }
    if (m.message !== undefined) socket.send(m.message)
  }

  async close(): Promise<void> {
    for (const s of this.sockets.values()) s.terminate()
    this.sockets.clear()
    await new Promise<void>((resolve) => this.server.close(() => resolve()))
  }

  private async connect(socket: WebSocket, token: string): Promise<void> {
    const plugin = this.tokens.get(token)
    const runner = this.runner()
    if (!plugin || !runner) return socket.close(1011, 'No pipeline is running in debug mode')
    let session: string
    try {
      session = (await runner.debugCdpOpen(plugin)).session
    } catch (error) {
      return socket.close(1011, (error as Error).message.slice(0, 100))
    }
    this.sockets.set(session, socket)
    socket.on('message', (data) => {
      runner.debugCdpSend(session, String(data)).catch(() => socket.close(1011, 'The debug session has ended'))
    })
    socket.on('close', () => {
      this.sockets.delete(session)
      runner.debugCdpClose(session).catch(() => undefined)
    })
  }
}
