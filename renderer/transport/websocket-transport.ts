// Browser mode: the studio protocol over one WebSocket to the server that served this page
// (common/protocol/studio.ts: `${STUDIO_SOCKET_PATH}?token=…`). One JSON RpcMessage per text frame.
import { isRpcMessage, type RpcMessage } from '../../common/rpc/messages.ts'
import type { Transport } from '../../common/rpc/transport.ts'
import { STUDIO_SOCKET_PATH, STUDIO_TOKEN_PARAM } from '../../common/protocol/studio.ts'

export function socketUrl(location: Location): string {
  const token = new URLSearchParams(location.search).get(STUDIO_TOKEN_PARAM) ?? ''
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:'
  return `${scheme}//${location.host}${STUDIO_SOCKET_PATH}?${STUDIO_TOKEN_PARAM}=${encodeURIComponent(token)}`
}

/** Resolves once the socket is open; rejects when it cannot open (wrong token, server gone). */
export function openWebSocketTransport(url: string): Promise<Transport> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url)
    const listeners = new Set<(message: RpcMessage) => void>()
    const closers = new Set<(reason: string) => void>()
    let opened = false
    socket.addEventListener('open', () => {
      opened = true
      resolve({
        send(message) {
          if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message))
        },
        onMessage(listener) {
          listeners.add(listener)
          return () => listeners.delete(listener)
        },
        onClose(listener) {
          closers.add(listener)
          return () => closers.delete(listener)
        },
      })
    })
    socket.addEventListener('message', (event) => {
      if (typeof event.data !== 'string') return
      let message: unknown
      try {
        message = JSON.parse(event.data)
      } catch {
        return
      }
      if (isRpcMessage(message)) listeners.forEach((listener) => listener(message))
    })
    socket.addEventListener('close', (event) => {
      const reason = event.reason || `the connection to the studio closed (code ${event.code})`
      if (!opened) reject(new Error(`Could not connect to the studio: ${reason}`))
      closers.forEach((closer) => closer(reason))
    })
  })
}
