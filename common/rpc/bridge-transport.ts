// A Transport over an invoke/on bridge (the desktop preload's `window.studio`), so `connect()` works
// unchanged in Electron. Requests become invoke calls; their envelopes come back as responses.
import type { RpcMessage } from './messages.ts'
import type { Transport } from './transport.ts'
import type { StudioBridge } from '../protocol/studio.ts'

export function bridgeTransport(bridge: StudioBridge): Transport {
  const listeners = new Set<(message: RpcMessage) => void>()
  const deliver = (message: RpcMessage) => listeners.forEach((listener) => listener(message))
  bridge.on((name, payload) => deliver({ kind: 'event', name, payload }))
  return {
    send(message) {
      if (message.kind !== 'request') return // the bridge carries only requests towards main
      bridge.invoke(message.method, message.params).then(
        (envelope) =>
          deliver(
            'error' in envelope
              ? { kind: 'response', id: message.id, error: envelope.error }
              : { kind: 'response', id: message.id, result: envelope.result },
          ),
        (error: unknown) =>
          deliver({
            kind: 'response',
            id: message.id,
            error: { name: 'Error', message: error instanceof Error ? error.message : String(error) },
          }),
      )
    },
    onMessage(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    // The bridge lives as long as the page does.
    onClose() {
      return () => {}
    },
  }
}
