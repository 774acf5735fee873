import { test } from 'node:test'
import assert from 'node:assert/strict'
import { diffRows } from './diff-rows.ts'

test('property-level rows for added, removed and changed values', () => {
  const before = { event: 'pageview', properties: { a: 1, b: 'x', tags: ['p', 'q'], 'first name': 'Ann' } }
  const after = { event: 'pageview', properties: { a: 2, tags: ['p', 'q', 'r'], 'first name': 'Bo', hello: 'world' } }
  assert.deepEqual(diffRows(before, after), [
    { path: 'properties.a', kind: 'changed', before: 1, after: 2 },
    { path: 'properties.b', kind: 'removed', before: 'x' },
    { path: 'properties.tags[2]', kind: 'added', after: 'r' },
    { path: 'properties["first name"]', kind: 'changed', before: 'Ann', after: 'Bo' },
    { path: 'properties.hello', kind: 'added', after: 'world' },
  ])
})

test('equal events give no rows; long strings stay whole values', () => {
  assert.deepEqual(diffRows({ a: 1 }, { a: 1 }), [])
  const long = 'x'.repeat(200)
  assert.deepEqual(diffRows({ s: long }, { s: `${long}y` }), [{ path: 's', kind: 'changed', before: long, after: `${long}y` }])
})
