// The client side of the studio protocol over a `ws` WebSocket, for Node clients of browser mode
// (tests, the publish-flow child): what renderer/transport does inside the page.
import type WebSocket from 'ws'
import { isRpcMessage } from '../../common/rpc/messages.ts'
import type { Transport } from '../../common/rpc/transport.ts'

export function wsClientTransport(socket: WebSocket): Transport {
  return {
    send: (message) => socket.send(JSON.stringify(message)),
    onMessage(listener) {
      const handler = (data: Buffer) => {
        const message = JSON.parse(data.toString())
        if (isRpcMessage(message)) listener(message)
      }
      socket.on('message', handler)
      return () => socket.off('message', handler)
    },
    onClose(listener) {
      const handler = () => listener('closed')
      socket.on('close', handler)
      return () => socket.off('close', handler)
    },
  }
}
