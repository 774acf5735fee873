// The runtime side of common/rpc over the child-process IPC channel its parent opened.
import type { RpcMessage } from '../common/rpc/messages.ts'
import { isRpcMessage, serializeError } from '../common/rpc/messages.ts'
import type { Transport } from '../common/rpc/transport.ts'

/** At most this many messages leave in one IPC message (a plugin may log thousands of lines). */
const MAX_FRAME = 1000

/**
 * What one turn sends leaves as one IPC message: a batch of events emits a `stateOp` per cache
 * write and a `log` per line just before its response, and each separate IPC message costs a
 * write on this side and a read, a parse and a wake-up on the studio's. A frame of several
 * messages is a JSON array of RpcMessages (main/services/runner/ipc-transport.ts unpacks it, in
 * order); one message alone goes as it is.
 */
export function parentTransport(): Transport {
  if (typeof process.send !== 'function') throw new Error('The plugin runtime must be started with an IPC channel (it is started by the studio or the CLI)')
  const listeners = new Set<(m: RpcMessage) => void>()
  const closers = new Set<(r: string) => void>()
  const deliver = (message: unknown) => {
    if (isRpcMessage(message)) for (const l of listeners) l(message)
  }
  process.on('message', (message) => {
    if (Array.isArray(message)) for (const m of message) deliver(m)
    else deliver(message)
  })
  process.on('disconnect', () => {
    for (const c of closers) c('the studio closed the channel')
  })

  let queue: RpcMessage[] = []
  const flush = () => {
    const frame = queue
    queue = []
    if (frame.length === 0 || !process.connected) return
    try {
      process.send!(frame.length === 1 ? frame[0] : frame)
    } catch {
      // Something in the frame cannot be sent (the serializer refuses it): send the rest one by one, and
      // answer a call whose result cannot leave with that error, as serve() did when sending
      // synchronously.
      for (const message of frame) {
        try {
          process.send!(message)
        } catch (error) {
          if (message.kind === 'response') process.send!({ kind: 'response', id: message.id, error: serializeError(error) })
          else process.stderr.write(`plugin runtime: a ${message.kind} could not be sent: ${error instanceof Error ? error.message : String(error)}\n`)
        }
      }
    }
  }
  return {
    send(message) {
      if (!process.connected) return
      queue.push(message)
      // After this turn's promise jobs: a call's events and its response leave together.
      if (queue.length === 1) process.nextTick(flush)
      else if (queue.length >= MAX_FRAME) flush()
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
