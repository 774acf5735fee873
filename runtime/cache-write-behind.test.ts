import assert from 'node:assert/strict'
import { test } from 'node:test'
import { CacheWriteBehind, coalesceWrites } from './cache-write-behind.ts'

test('a run of INCRs of one key becomes one INCRBY; other keys keep their order', () => {
  const out = coalesceWrites([
    { op: 'incr', args: ['a'] },
    { op: 'incr', args: ['b'] },
    { op: 'incr', args: ['a'] },
    { op: 'incr', args: ['a'] },
  ])
  assert.deepEqual(out, [
    { op: 'incrby', args: ['a', 3] },
    { op: 'incr', args: ['b'] },
  ])
})

test('an EXPIRE between INCRs of a key keeps them apart, so the TTL lands where it did', () => {
  const out = coalesceWrites([
    { op: 'incr', args: ['a'] },
    { op: 'incr', args: ['a'] },
    { op: 'expire', args: ['a', 60] },
    { op: 'incr', args: ['a'] },
  ])
  assert.deepEqual(out, [
    { op: 'incrby', args: ['a', 2] },
    { op: 'expire', args: ['a', 60] },
    { op: 'incr', args: ['a'] },
  ])
})

test('a SET drops the earlier writes of its key only', () => {
  const out = coalesceWrites([
    { op: 'incr', args: ['a'] },
    { op: 'expire', args: ['a', 60] },
    { op: 'lpush', args: ['b', 'x'] },
    { op: 'set', args: ['a', '"v"', 10, { jsonSerialize: false }] },
    { op: 'incr', args: ['a'] },
  ])
  assert.deepEqual(out, [
    { op: 'lpush', args: ['b', 'x'] },
    { op: 'set', args: ['a', '"v"', 10, { jsonSerialize: false }] },
    { op: 'incr', args: ['a'] },
  ])
})

test('deferred writes wait while work goes on and reach the store, coalesced, on flush', async () => {
  const applied: unknown[] = []
  const behind = new CacheWriteBehind(async (writes) => void applied.push(writes))
  behind.defer([{ op: 'incr', args: ['a'] }])
  await behind.busy()
  behind.defer([{ op: 'incr', args: ['a'] }])
  await behind.busy()
  assert.deepEqual(applied, [], 'nothing is written while tasks keep coming')
  await behind.flush()
  assert.deepEqual(applied, [[{ op: 'incrby', args: ['a', 2] }]])
})

test('deferred writes reach the store by themselves once the runtime is idle', async () => {
  const applied: unknown[] = []
  const behind = new CacheWriteBehind(async (writes) => void applied.push(writes))
  behind.defer([{ op: 'set', args: ['k', '1'] }])
  await new Promise((r) => setTimeout(r, 50))
  assert.deepEqual(applied, [[{ op: 'set', args: ['k', '1'] }]])
})
