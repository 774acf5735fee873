// The RPC Transport over one browser-mode WebSocket: one JSON RpcMessage per text frame.
import type { WebSocket } from 'ws'
import { isRpcMessage, type RpcMessage } from '../../common/rpc/messages.ts'
import type { Transport } from '../../common/rpc/transport.ts'

export function socketTransport(socket: WebSocket): Transport {
  return {
    send(message) {
      if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message))
    },
    onMessage(listener) {
      const handler = (data: Buffer, isBinary: boolean) => {
        if (isBinary) return socket.close(1003, 'text frames only')
        let message: unknown
        try {
          message = JSON.parse(data.toString('utf8'))
        } catch {
          return socket.close(1007, 'not JSON')
        }
        if (isRpcMessage(message)) listener(message as RpcMessage)
      }
      socket.on('message', handler)
      return () => socket.off('message', handler)
    },
    onClose(listener) {
      const handler = (code: number) => listener(`socket closed (${code})`)
      socket.on('close', handler)
      return () => socket.off('close', handler)
    },
  }
}
