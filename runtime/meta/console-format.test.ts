import assert from 'node:assert/strict'
import { test } from 'node:test'
import { consoleLevel, formatConsoleMessage, postHogLogType } from './console-format.ts'

test("formats like PostHog's console extension", () => {
  assert.equal(formatConsoleMessage(['hello', 1, true, null, undefined]), 'hello 1 true null undefined')
  assert.equal(formatConsoleMessage([{ a: 1, b: 'x' }]), '{"a":1,"b":"x"}')
  assert.equal(formatConsoleMessage([[1, 'two', { three: 3 }]]), '[1,"two",{"three":3}]')
  assert.equal(formatConsoleMessage(['event', { properties: { $browser: 'Chrome' } }]), 'event {"properties":{"$browser":"Chrome"}}')
  assert.equal(formatConsoleMessage([]), '')
  assert.equal(formatConsoleMessage([new Error('boom')]), 'Error: boom')
  assert.equal(formatConsoleMessage([new Date(0)]), new Date(0).toString(), 'String(date) is not [object Object]')
  assert.equal(formatConsoleMessage([Symbol('s')]), 'Symbol(s)')
  assert.equal(formatConsoleMessage([10n]), '10')
  assert.equal(formatConsoleMessage([{ toString: () => 'custom' }]), 'custom')
  assert.equal(formatConsoleMessage([[undefined, () => 1]]), '[null,null]')
  assert.equal(formatConsoleMessage([{ toJSON: () => undefined }]), '')
})

test('never throws: cycles, BigInt inside objects, odd objects', () => {
  const cyclic: Record<string, unknown> = { name: 'loop' }
  cyclic.self = cyclic
  assert.equal(formatConsoleMessage([cyclic]), '{"name":"loop","self":"[Circular]"}')
  const shared = { v: 1 }
  assert.equal(formatConsoleMessage([{ a: shared, b: shared }]), '{"a":{"v":1},"b":{"v":1}}', 'a repeated object is not a cycle')
  assert.equal(formatConsoleMessage([{ big: 12345678901234567890n }]), '{"big":"12345678901234567890"}')
  assert.equal(formatConsoleMessage([Object.assign(Object.create(null), { a: 1 })]), '{"a":1}')
  assert.equal(formatConsoleMessage([{ toString: () => { throw new Error('no') }, x: 1 }]), '{"x":1}')
  assert.equal(formatConsoleMessage([{ toJSON: () => { throw new Error('no') } }]), '[unserializable]')
  const array: unknown[] = [1]
  array.push(array)
  assert.equal(formatConsoleMessage([array]), '[1,"[Circular]"]')
})

test('console methods map to levels', () => {
  for (const method of ['debug', 'log', 'info', 'warn', 'error']) {
    assert.equal(consoleLevel(method), method)
  }
  assert.equal(consoleLevel('trace'), null)
  assert.equal(consoleLevel('toString'), null)
  assert.equal(postHogLogType('warn'), 'WARN')
})
