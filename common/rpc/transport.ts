import type { RpcMessage } from './messages.ts'

/**
 * What the RPC needs from a channel. Adapters: Electron MessagePort / IPC (main/electron),
 * WebSocket (main/server + renderer), child-process IPC (main/services/runner + runtime/main.ts).
 */
export interface Transport {
  send(message: RpcMessage): void
  /** Returns an unsubscribe function. */
  onMessage(listener: (message: RpcMessage) => void): () => void
  /** Called once when the channel is gone; pending calls are rejected then. */
  onClose(listener: (reason: string) => void): () => void
}

/** A pair of in-memory transports wired to each other (tests, in-process composition). */
export function createTransportPair(): [Transport, Transport] {
  const make = () => ({ listeners: new Set<(m: RpcMessage) => void>(), closers: new Set<(r: string) => void>() })
  const a = make()
  const b = make()
  const side = (self: ReturnType<typeof make>, other: ReturnType<typeof make>): Transport => ({
    send(message) {
      // Copy like a real channel would, and deliver asynchronously.
      const copy = JSON.parse(JSON.stringify(message)) as RpcMessage
      void Promise.resolve().then(() => other.listeners.forEach((l) => l(copy)))
    },
    onMessage(listener) {
      self.listeners.add(listener)
      return () => self.listeners.delete(listener)
    },
    onClose(listener) {
      self.closers.add(listener)
      return () => self.closers.delete(listener)
    },
  })
  return [side(a, b), side(b, a)]
}
