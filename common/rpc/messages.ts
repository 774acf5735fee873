// Wire shapes of the one generic RPC. Everything that crosses is plain JSON.

export interface SerializedError {
  name: string
  message: string
  stack?: string
}

export interface RpcRequest {
  kind: 'request'
  id: number
  method: string
  params: unknown[]
}

export interface RpcResponse {
  kind: 'response'
  id: number
  result?: unknown
  error?: SerializedError
}

export interface RpcEvent {
  kind: 'event'
  name: string
  payload: unknown
}

export type RpcMessage = RpcRequest | RpcResponse | RpcEvent

export function isRpcMessage(value: unknown): value is RpcMessage {
  if (typeof value !== 'object' || value === null) return false
  const kind = (value as { kind?: unknown }).kind
  return kind === 'request' || kind === 'response' || kind === 'event'
}

export function serializeError(error: unknown): SerializedError {
  if (error instanceof Error) return { name: error.name, message: error.message, stack: error.stack }
  return { name: 'Error', message: typeof error === 'string' ? error : String(error) }
}

/** An error that came back over the wire; keeps the remote name and stack. */
export class RemoteError extends Error {
  constructor(serialized: SerializedError) {
    super(serialized.message)
    this.name = serialized.name
    if (serialized.stack) this.stack = serialized.stack
  }
}
