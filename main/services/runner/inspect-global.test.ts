// The state inspector's view of a plugin's meta.global through the real runtime process: plain
// values, Sets and Maps, functions and cycles described, and how it changes as events run.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { Runner } from './runner.ts'
import { loadFixtures, makeEvent } from './test-fixtures.ts'

const CODE = `
export function setupPlugin({ global }) {
  global.seen = 0
  global.names = new Set(['a'])
  global.byUser = new Map([['u1', 2]])
  global.format = function format(x) { return x }
  global.self = global
  global.nothing = undefined
}
export function processEvent(event, { global }) {
  global.seen += 1
  global.names.add(event.event)
  return event
}
`

let runner: Runner
let dir: string
before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'inspect-global-'))
  await writeFile(path.join(dir, 'plugin.json'), JSON.stringify({ name: 'Global keeper', main: 'index.js' }))
  await writeFile(path.join(dir, 'index.js'), CODE)
  runner = await Runner.start()
})
after(async () => {
  await runner?.close()
  await rm(dir, { recursive: true, force: true })
})

test('inspect shows each plugin’s meta.global as it is after every event', async () => {
  await loadFixtures(runner, [{ id: 'keeper', dir, config: {}, attachments: {} }])
  await runner.processEvents([makeEvent({ event: 'signup' })])
  const [first] = (await runner.inspect()).plugins
  assert.deepEqual(first.global, {
    seen: 1,
    names: { '[Set(2)]': ['a', 'signup'] },
    byUser: { '[Map(1)]': [['u1', 2]] },
    format: '[Function format]',
    self: '[Circular]',
    nothing: '[undefined]',
  })
  await runner.processEvents([makeEvent({ event: 'login' })])
  const [second] = (await runner.inspect()).plugins
  assert.equal((second.global as { seen: number }).seen, 2)
})
