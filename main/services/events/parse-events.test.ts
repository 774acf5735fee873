import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { formatEventsProblem, parseEventsText } from './parse-events.ts'
import { readEventsFile } from './read-events-file.ts'

const pageview = { event: '$pageview', distinct_id: 'a', uuid: '0190f1c2-7b3a-7c4d-8e5f-0a1b2c3d4e5f', properties: { $browser: 'Chrome' } }

function problemOf(text: string): string {
  const parsed = parseEventsText(text, 'events.json')
  assert.equal(parsed.ok, false, 'expected a problem')
  return formatEventsProblem((parsed as { ok: false; problem: Parameters<typeof formatEventsProblem>[0] }).problem)
}

test('a JSON array of events', () => {
  const parsed = parseEventsText(JSON.stringify([pageview, { ...pageview, event: 'signed up' }]))
  assert.ok(parsed.ok)
  assert.equal(parsed.format, 'json-array')
  assert.deepEqual(
    parsed.events.map((e) => e.event),
    ['$pageview', 'signed up'],
  )
})

test('one pretty-printed JSON event', () => {
  const parsed = parseEventsText(JSON.stringify(pageview, null, 2))
  assert.ok(parsed.ok)
  assert.equal(parsed.format, 'json-object')
  assert.deepEqual(parsed.events, [pageview])
})

test('JSON Lines, blank lines and CRLF tolerated', () => {
  const text = [JSON.stringify(pageview), '', JSON.stringify({ ...pageview, event: 'b' }), ''].join('\r\n')
  const parsed = parseEventsText(text)
  assert.ok(parsed.ok)
  assert.equal(parsed.format, 'json-lines')
  assert.equal(parsed.events.length, 2)
})

test('key order, unknown fields and uuid are kept exactly', () => {
  const text = '{"uuid":"x-1","zeta":1,"event":"e","properties":{"b":1,"a":2,"$set":{"z":1}},"alpha":null}'
  const parsed = parseEventsText(text)
  assert.ok(parsed.ok)
  assert.equal(JSON.stringify(parsed.events[0]), text)
})

test('a byte order mark is ignored', () => {
  const parsed = parseEventsText('\ufeff' + JSON.stringify([pageview]))
  assert.ok(parsed.ok)
})

test('an event without properties is an event', () => {
  const parsed = parseEventsText('{"event":"$identify","distinct_id":"007","$set":{"email":"a@b.c"}}')
  assert.ok(parsed.ok)
})

test('the bad line of JSON Lines is named', () => {
  const text = [JSON.stringify(pageview), JSON.stringify(pageview), '{"event": "x", oops}', JSON.stringify(pageview)].join('\n')
  const line = problemOf(text)
  assert.match(line, /^events\.json: line 3: not valid JSON: /)
  assert.doesNotMatch(line, /\n/)
})

test('JSON Lines with bad lines: every bad line is listed, the good events kept', () => {
  const text = [JSON.stringify(pageview), '{broken', JSON.stringify({ ...pageview, event: 'b' }), '[1]'].join('\n')
  const parsed = parseEventsText(text, 'events.jsonl')
  assert.ok(!parsed.ok)
  assert.equal(parsed.problem.line, 2)
  assert.deepEqual(parsed.problems?.map((p) => p.line), [2, 4])
  assert.deepEqual(parsed.events?.map((e) => e.event), ['$pageview', 'b'])
})

test('a JSON Lines line that is not an event object is named', () => {
  assert.match(problemOf(`${JSON.stringify(pageview)}\n[1,2]`), /^events\.json: line 2: the event is not a JSON object \(got an array\)/)
  assert.match(problemOf(`${JSON.stringify(pageview)}\n{"distinct_id":"a"}`), /^events\.json: line 2: the event has no "event" name/)
})

test('a broken pretty-printed document reports line and column', () => {
  const line = problemOf('{\n  "event": "$pageview",\n  "distinct_id": \n}')
  assert.match(line, /^events\.json: line 4, column 1: not valid JSON: /)
})

test('a broken array reports where it broke', () => {
  assert.match(problemOf('[\n{"event":"a"},\n{"event":"b",}\n]'), /^events\.json: line 3, column \d+: not valid JSON/)
  assert.match(problemOf('[{"event":"a"},,]'), /^events\.json: line 1, column 16: not valid JSON: Unexpected token ','$/)
})

test('array members must be events', () => {
  assert.match(problemOf('[{"event":"a"}, 3]'), /event 2 of the array is not a JSON object \(got number 3\)/)
  assert.match(problemOf('[{"event":"a","properties":[]}]'), /event 1 of the array "a" has "properties" that are not an object/)
})

test('empty inputs are problems, not zero events', () => {
  assert.match(problemOf(''), /no events: the file is empty/)
  assert.match(problemOf('  \n'), /no events/)
  assert.match(problemOf('[]'), /no events: the JSON array is empty/)
})

test('a scalar document is not an event', () => {
  assert.match(problemOf('42'), /the event is not a JSON object \(got number 42\)/)
})

test('readEventsFile reports missing files and directories in one line', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'events-'))
  const missing = await readEventsFile(join(dir, 'nope.json'))
  assert.ok(!missing.ok)
  assert.equal(formatEventsProblem(missing.problem), `${join(dir, 'nope.json')}: no such file`)
  mkdirSync(join(dir, 'sub'))
  const isDir = await readEventsFile(join(dir, 'sub'))
  assert.ok(!isDir.ok)
  assert.match(isDir.problem.message, /is a directory/)
  writeFileSync(join(dir, 'ok.jsonl'), `${JSON.stringify(pageview)}\n${JSON.stringify(pageview)}\n`)
  const ok = await readEventsFile(join(dir, 'ok.jsonl'))
  assert.ok(ok.ok)
  assert.equal(ok.events.length, 2)
})
