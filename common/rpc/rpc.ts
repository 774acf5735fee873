import { RemoteError, serializeError, type RpcMessage, type RpcRequest } from './messages.ts'
import type { Transport } from './transport.ts'

/** A service contract: every method takes JSON arguments and returns a promise of JSON. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ServiceMethods = { [method: string]: (...args: any[]) => Promise<unknown> }
export type EventMap = { [name: string]: unknown }

export type Client<M extends ServiceMethods, E extends EventMap> = M & {
  /** Subscribe to a service event; returns an unsubscribe function. */
  on<K extends keyof E & string>(name: K, listener: (payload: E[K]) => void): () => void
  /** Rejects pending calls and stops listening. */
  dispose(): void
}

export interface Server<E extends EventMap> {
  emit<K extends keyof E & string>(name: K, payload: E[K]): void
  dispose(): void
}

/**
 * Serves `impl` over `transport`. Only the listed methods are callable: a request for anything
 * else (including inherited properties) is answered with an error, never dispatched.
 */
export function serve<M extends ServiceMethods, E extends EventMap>(
  transport: Transport,
  impl: M,
  methods: readonly (keyof M & string)[],
): Server<E> {
  const allowed = new Set<string>(methods)
  const handle = async (request: RpcRequest) => {
    try {
      if (!allowed.has(request.method)) throw new Error(`Unknown method "${request.method}"`)
      if (!Array.isArray(request.params)) throw new Error(`Bad params for "${request.method}"`)
      const fn = impl[request.method] as (...args: unknown[]) => Promise<unknown>
      const result = await fn.apply(impl, request.params)
      transport.send({ kind: 'response', id: request.id, result: result === undefined ? null : result })
    } catch (error) {
      transport.send({ kind: 'response', id: request.id, error: serializeError(error) })
    }
  }
  const off = transport.onMessage((message) => {
    if (message.kind === 'request') void handle(message)
  })
  return {
    emit(name, payload) {
      transport.send({ kind: 'event', name, payload })
    },
    dispose: off,
  }
}

/** A typed proxy for a service served on the other end of `transport`. */
export function connect<M extends ServiceMethods, E extends EventMap>(transport: Transport): Client<M, E> {
  let nextId = 1
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>()
  const listeners = new Map<string, Set<(payload: unknown) => void>>()
  let closedReason: string | undefined

  const offMessage = transport.onMessage((message: RpcMessage) => {
    if (message.kind === 'response') {
      const call = pending.get(message.id)
      if (!call) return
      pending.delete(message.id)
      if (message.error) call.reject(new RemoteError(message.error))
      else call.resolve(message.result)
    } else if (message.kind === 'event') {
      listeners.get(message.name)?.forEach((listener) => listener(message.payload))
    }
  })
  const rejectAll = (reason: string) => {
    closedReason = reason
    for (const call of pending.values()) call.reject(new Error(`Connection closed: ${reason}`))
    pending.clear()
  }
  const offClose = transport.onClose(rejectAll)

  const call = (method: string, params: unknown[]) =>
    new Promise<unknown>((resolve, reject) => {
      if (closedReason !== undefined) return reject(new Error(`Connection closed: ${closedReason}`))
      const id = nextId++
      pending.set(id, { resolve, reject })
      transport.send({ kind: 'request', id, method, params })
    })

  const on = (name: string, listener: (payload: unknown) => void) => {
    let set = listeners.get(name)
    if (!set) listeners.set(name, (set = new Set()))
    set.add(listener)
    return () => set.delete(listener)
  }
  const dispose = () => {
    offMessage()
    offClose()
    rejectAll('disposed')
  }

  return new Proxy({} as Client<M, E>, {
    get(_target, property) {
      if (property === 'on') return on
      if (property === 'dispose') return dispose
      if (property === 'then') return undefined // not a thenable
      if (typeof property !== 'string') return undefined
      return (...params: unknown[]) => call(property, params)
    },
  })
}
