// The one typed client of the studio contract, set once the transport is up.
import type { Client } from '../../common/rpc/rpc.ts'
import type { StudioEvents, StudioMethods } from '../../common/protocol/studio.ts'

export type StudioClient = Client<StudioMethods, StudioEvents>

let current: StudioClient | null = null

export function setClient(client: StudioClient): void {
  current = client
}

export function studio(): StudioClient {
  if (!current) throw new Error('Not connected to the studio backend yet')
  return current
}
