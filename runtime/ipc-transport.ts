// The runtime side of common/rpc over the child-process IPC channel its parent opened.
import type { RpcMessage } from '../common/rpc/messages.ts'
import { isRpcMessage } from '../common/rpc/messages.ts'
import type { Transport } from '../common/rpc/transport.ts'

export function parentTransport(): Transport {
  if (typeof process.send !== 'function') throw new Error('The plugin runtime must be started with an IPC channel (it is started by the studio or the CLI)')
  const listeners = new Set<(m: RpcMessage) => void>()
  const closers = new Set<(r: string) => void>()
  process.on('message', (message) => {
    if (isRpcMessage(message)) for (const l of listeners) l(message)
  })
  process.on('disconnect', () => {
    for (const c of closers) c('the studio closed the channel')
  })
  return {
    send(message) {
      if (process.connected) process.send!(message)
    },
    onMessage(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    onClose(listener) {
      closers.add(listener)
      return () => closers.delete(listener)
    },
  }
}
