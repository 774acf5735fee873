import { test } from 'node:test'
import assert from 'node:assert/strict'
import { EventFileError, indexEvents } from './event-index.ts'

const line = (n: number) => JSON.stringify({ event: `e${n}`, distinct_id: `d${n}`, properties: { n } })

test('JSON Lines are paged without parsing the whole file, and bad lines are named and skipped', () => {
  const text = [line(1), '{oops', line(2), '', '[1,2]', line(3)].join('\n') + '\n'
  const index = indexEvents(text, 'events/x.jsonl')
  assert.equal(index.format, 'json-lines')
  assert.equal(index.count, 3)
  assert.deepEqual(index.problems.map((p) => p.line), [2, 5])
  assert.match(index.problems[0].message, /not valid JSON/)
  assert.match(index.problems[1].message, /not a JSON object/)
  assert.deepEqual(index.page(1, 5).map((e) => e.event), ['e2', 'e3'])
  assert.deepEqual(index.page(3, 5), [])
})

test('a 100,000-line file pages quickly', () => {
  const text = Array.from({ length: 100_000 }, (_, i) => line(i)).join('\n')
  const started = performance.now()
  const index = indexEvents(text, 'big.jsonl')
  const page = index.page(99_950, 100)
  assert.equal(index.count, 100_000)
  assert.equal(page.length, 50)
  assert.equal(page[0].event, 'e99950')
  assert.ok(performance.now() - started < 10_000)
})

test('edits keep every other line as written, bad lines included', () => {
  const text = [line(1), 'not json', line(2)].join('\n') + '\n'
  const index = indexEvents(text, 'x.jsonl')
  const replaced = index.edited({ kind: 'replace', index: 1, event: { event: 'changed', distinct_id: 'z' } as never })
  assert.equal(replaced, [line(1), 'not json', JSON.stringify({ event: 'changed', distinct_id: 'z' })].join('\n') + '\n')
  const inserted = indexEvents(text, 'x').edited({ kind: 'insert', index: 0, event: { event: 'first' } as never })
  assert.equal(inserted.split('\n')[0], '{"event":"first"}')
  const appended = indexEvents(text, 'x').edited({ kind: 'insert', index: 2, event: { event: 'last' } as never })
  assert.equal(appended, text + '{"event":"last"}\n')
  const deleted = indexEvents(text, 'x').edited({ kind: 'delete', index: 0 })
  assert.equal(deleted, ['not json', line(2)].join('\n') + '\n')
  assert.throws(() => index.edited({ kind: 'replace', index: 5, event: { event: 'x' } as never }), /No event 6/)
  assert.throws(() => index.edited({ kind: 'replace', index: 0, event: { nope: 1 } as never }), /no "event" name/)
})

test('JSON arrays: bad entries are named by their line; a pretty single event is one event', () => {
  const text = `[\n  ${line(1)},\n  42,\n  ${line(2)}\n]`
  const index = indexEvents(text, 'a.json')
  assert.equal(index.count, 2)
  assert.deepEqual(index.problems, [{ line: 3, message: 'event 2 of the array is not a JSON object (got number 42)' }])
  assert.equal(JSON.parse(index.edited({ kind: 'delete', index: 0 })).length, 1)
  const single = indexEvents('{\n  "event": "one",\n  "distinct_id": "d"\n}\n', 'one.json')
  assert.equal(single.format, 'json-object')
  assert.equal(single.count, 1)
  assert.throws(() => indexEvents('[{"event": ', 'broken.json'), EventFileError)
})
