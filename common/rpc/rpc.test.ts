import { test } from 'node:test'
import assert from 'node:assert/strict'
import { connect, serve } from './rpc.ts'
import { createTransportPair } from './transport.ts'

type Methods = { add(a: number, b: number): Promise<number>; fail(): Promise<void> }
type Events = { tick: { n: number } }

function setup() {
  const [serverSide, clientSide] = createTransportPair()
  const impl: Methods = {
    add: async (a, b) => a + b,
    fail: async () => {
      const error = new Error('boom')
      error.name = 'BoomError'
      throw error
    },
  }
  const server = serve<Methods, Events>(serverSide, impl, ['add', 'fail'])
  const client = connect<Methods, Events>(clientSide)
  return { server, client }
}

test('a call returns the remote result', async () => {
  const { client } = setup()
  assert.equal(await client.add(2, 3), 5)
})

test('a remote error keeps its name and message', async () => {
  const { client } = setup()
  await assert.rejects(client.fail(), { name: 'BoomError', message: 'boom' })
})

test('methods outside the allow-list are refused, including inherited ones', async () => {
  const { client } = setup()
  const callByName = (name: string) => (client as unknown as Record<string, () => Promise<unknown>>)[name]()
  await assert.rejects(callByName('toString'), /Unknown method "toString"/)
  await assert.rejects(callByName('constructor'), /Unknown method "constructor"/)
})

test('events reach subscribers until they unsubscribe', async () => {
  const { server, client } = setup()
  const seen: number[] = []
  const off = client.on('tick', (p) => seen.push(p.n))
  server.emit('tick', { n: 1 })
  await new Promise((r) => setTimeout(r, 5))
  off()
  server.emit('tick', { n: 2 })
  await new Promise((r) => setTimeout(r, 5))
  assert.deepEqual(seen, [1])
})
