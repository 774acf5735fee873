import { test } from 'node:test'
import assert from 'node:assert/strict'
import { connect } from './rpc.ts'
import { bridgeTransport } from './bridge-transport.ts'
import type { StudioBridge } from '../protocol/studio.ts'

type Methods = { add(a: number, b: number): Promise<number>; fail(): Promise<void> }
type Events = { tick: { n: number } }

test('calls become invoke envelopes, errors keep their name, events reach subscribers', async () => {
  let emit: (name: string, payload: unknown) => void = () => {}
  const bridge: StudioBridge = {
    async invoke(method, params) {
      if (method === 'add') return { result: (params[0] as number) + (params[1] as number) }
      return { error: { name: 'PathError', message: `"${method}" failed` } }
    },
    on(listener) {
      emit = listener
      return () => {}
    },
  }
  const client = connect<Methods, Events>(bridgeTransport(bridge))
  assert.equal(await client.add(2, 3), 5)
  await assert.rejects(client.fail(), { name: 'PathError', message: '"fail" failed' })
  const seen: number[] = []
  client.on('tick', (payload) => seen.push(payload.n))
  emit('tick', { n: 7 })
  assert.deepEqual(seen, [7])
})

test('a bridge that throws still answers the call', async () => {
  const bridge: StudioBridge = { invoke: async () => Promise.reject(new Error('ipc is gone')), on: () => () => {} }
  const client = connect<Methods, Events>(bridgeTransport(bridge))
  await assert.rejects(client.add(1, 1), /ipc is gone/)
})
