// The studio side of common/rpc over the IPC channel of the runtime child process.
import type { ChildProcess } from 'node:child_process'
import type { RpcMessage } from '../../../common/rpc/messages.ts'
import { isRpcMessage } from '../../../common/rpc/messages.ts'
import type { Transport } from '../../../common/rpc/transport.ts'

export function childTransport(child: ChildProcess): Transport {
  const listeners = new Set<(m: RpcMessage) => void>()
  const closers = new Set<(r: string) => void>()
  let closed: string | null = null
  const close = (reason: string) => {
    if (closed !== null) return
    closed = reason
    for (const c of closers) c(reason)
  }
  const deliver = (message: unknown) => {
    if (isRpcMessage(message)) for (const l of listeners) l(message)
  }
  // The runtime sends what one turn produced (a call's log and stateOp events, then its response)
  // as one frame: an array of messages, delivered in order (runtime/ipc-transport.ts).
  child.on('message', (message) => {
    if (Array.isArray(message)) for (const m of message) deliver(m)
    else deliver(message)
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
