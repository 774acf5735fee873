// The RPC Transport for one window over Electron IPC. `ipcMain.handle` delivers each invoke here; it
// becomes an RpcRequest for `serve()` and resolves with the matching response as a plain envelope
// (Electron would otherwise flatten a thrown Error into "Error invoking remote method…").
// Events go to the window with `webContents.send`.
import type { RpcMessage } from '../../common/rpc/messages.ts'
import type { Transport } from '../../common/rpc/transport.ts'
import type { StudioInvokeResult } from '../../common/protocol/studio.ts'

export interface IpcConnection {
  transport: Transport
  /** One call from the window's bridge. Never throws: failures come back as `{ error }`. */
  invoke(method: unknown, params: unknown): Promise<StudioInvokeResult>
  /** The window is gone: pending calls end, the server side is told. */
  close(reason: string): void
}

export function createIpcConnection(sendEvent: (name: string, payload: unknown) => void): IpcConnection {
  let nextId = 1
  let closed = false
  const pending = new Map<number, (result: StudioInvokeResult) => void>()
  const listeners = new Set<(message: RpcMessage) => void>()
  const closers = new Set<(reason: string) => void>()
  const refuse = (message: string): StudioInvokeResult => ({ error: { name: 'Error', message } })

  const transport: Transport = {
    send(message) {
      if (closed) return
      if (message.kind === 'event') sendEvent(message.name, message.payload)
      else if (message.kind === 'response') {
        const settle = pending.get(message.id)
        pending.delete(message.id)
        settle?.(message.error ? { error: message.error } : { result: message.result ?? null })
      }
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

  return {
    transport,
    invoke(method, params) {
      if (closed) return Promise.resolve(refuse('The window is closing'))
      if (typeof method !== 'string') return Promise.resolve(refuse('A method name (string) is required'))
      if (!Array.isArray(params)) return Promise.resolve(refuse(`Bad params for "${method}": expected a list`))
      const id = nextId++
      return new Promise<StudioInvokeResult>((resolve) => {
        pending.set(id, resolve)
        const request: RpcMessage = { kind: 'request', id, method, params }
        listeners.forEach((listener) => listener(request))
      })
    },
    close(reason) {
      if (closed) return
      closed = true
      for (const settle of pending.values()) settle(refuse(`Connection closed: ${reason}`))
      pending.clear()
      closers.forEach((closer) => closer(reason))
    },
  }
}
