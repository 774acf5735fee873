// The studio side of common/rpc over the IPC channel of the runtime child process.
import type { ChildProcess } from 'node:child_process'
import type { RpcMessage } from '../../../common/rpc/messages.ts'
import { isRpcMessage } from '../../../common/rpc/messages.ts'
import type { Transport } from '../../../common/rpc/transport.ts'

/**
 * The runtime's channel carries messages by V8 structured clone (`serialization: 'advanced'`), not
 * as JSON text: both ends are Node, and for batches of events it costs less on both sides (no
 * UTF-8 encoding of one large string on write, no string split and concatenation on read: about a
 * fifth of an echo round trip of 100 events). The messages are still the RPC's JSON values —
 * every other transport (WebSocket, Electron) carries them as JSON — so senders keep to JSON: a
 * value JSON would drop or change (undefined members, Dates, Maps) must not be sent. The runtime
 * needs no setting: Node hands it objects whichever serialization its parent chose.
 */
export const IPC_SERIALIZATION = 'advanced' as const

export function childTransport(child: ChildProcess): Transport {
  const listeners = new Set<(m: RpcMessage) => void>()
  const closers = new Set<(r: string) => void>()
  let closed: string | null = null
  const close = (reason: string) => {
    if (closed !== null) return
    closed = reason
    for (const c of closers) c(reason)
  }
  child.on('message', (message) => {
    if (isRpcMessage(message)) for (const l of listeners) l(message)
  })
  child.on('exit', (code, signal) => close(`the runtime process exited (${signal ? `signal ${signal}` : `code ${code}`})`))
  child.on('disconnect', () => close('the runtime process closed its channel'))
  return {
    send(message) {
      if (closed !== null || !child.connected) throw new Error(`Cannot reach the runtime process: ${closed ?? 'not connected'}`)
      child.send(message)
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
