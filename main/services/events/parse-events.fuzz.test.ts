// Malformed event files (issue 7), generated: broken JSON, JSON Lines with bad lines, events missing
// fields, deep nesting, invalid UTF-8, 10 MB events. parseEventsText must always answer — events or
// one clear problem naming the place — never throw, never hang; good events come back exactly as given.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { formatEventsProblem, parseEventsText } from './parse-events.ts'
import type { EventsParse } from './parse-events.ts'

/** Bounded so the suite stays fast; FUZZ_RUNS raises it for a longer hunt. */
const RUNS = Number(process.env.FUZZ_RUNS ?? 300)
const FILE = 'fuzz/events.jsonl'
const BIG_MS = 10_000
let documents = 0

function parse(text: string): EventsParse {
  documents++
  const parsed = parseEventsText(text, FILE)
  if (parsed.ok) {
    assert.ok(parsed.events.length > 0, 'an ok parse has events')
    for (const e of parsed.events) {
      assert.ok(e && typeof e === 'object' && !Array.isArray(e), 'every event is an object')
      assert.equal(typeof e.event, 'string')
    }
  } else {
    const p = parsed.problem
    assert.equal(p.file, FILE)
    assert.ok(p.message.trim().length > 0 && p.message.length < 2000, `a clear, short message: ${p.message.slice(0, 100)}`)
    if (p.line !== undefined) assert.ok(Number.isInteger(p.line) && p.line >= 1 && p.line <= text.split('\n').length, `line ${p.line} is in the file`)
    if (p.column !== undefined) assert.ok(Number.isInteger(p.column) && p.column >= 1)
    const line = formatEventsProblem(p)
    assert.ok(line.startsWith(FILE) && !line.includes('\n'), `one line naming the file: ${line.slice(0, 100)}`)
  }
  return parsed
}

// ---- generators -------------------------------------------------------------------------------------------
const uuid = fc.uuid()
const properties = fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 6 })
/** Realistic events, with any of the usual fields left out (only "event" is required by the parser). */
const event = fc
  .record(
    {
      event: fc.oneof(fc.constantFrom('$pageview', '$autocapture', '$identify', 'signed up', '$snapshot'), fc.string({ minLength: 1, maxLength: 20 })),
      distinct_id: fc.oneof(fc.string(), fc.integer()),
      uuid,
      team_id: fc.integer({ min: 1, max: 10 }),
      ip: fc.option(fc.ipV4(), { nil: null }),
      timestamp: fc.date({ noInvalidDate: true, min: new Date('2000-01-01'), max: new Date('2100-01-01') }).map((d) => d.toISOString()),
      properties,
      $set: properties,
    },
    { requiredKeys: ['event'] },
  )
  .map((e) => e as Record<string, unknown> & { event: string })
/** Things that are not events. */
const notAnEvent = fc.oneof(
  fc.constantFrom(null, 1, 'text', true, [], {}, { event: '' }, { event: 1 }, { event: 'x', properties: [] }, { event: 'x', properties: 'p' }, { event: 'x', properties: null }),
  fc.jsonValue({ maxDepth: 2 }).filter((v) => !(v && typeof v === 'object' && !Array.isArray(v) && typeof (v as { event?: unknown }).event === 'string' && (v as { event: string }).event !== '')),
)
/** A line that is not JSON at all. */
const brokenLine = fc.oneof(
  fc.constantFrom('{', '{"event": "x"', '{"event": "x",}', "{'event': 'x'}", 'undefined', 'NaN', '{"event": "x"}}', '// comment', '{"event": "\\x"}'),
  fc.string({ minLength: 1, maxLength: 20 }).filter((s) => s.trim() !== '' && !isJson(s)),
)

function isJson(text: string): boolean {
  try {
    JSON.parse(text)
    return true
  } catch {
    return false
  }
}

test('well-formed events in every format come back exactly as given (key order too)', () => {
  fc.assert(
    fc.property(fc.array(event, { minLength: 1, maxLength: 8 }), fc.constantFrom('array', 'lines', 'crlf', 'pretty'), (events, format) => {
      const text =
        format === 'array' ? JSON.stringify(events) : format === 'pretty' ? JSON.stringify(events, null, 2) : events.map((e) => JSON.stringify(e)).join(format === 'crlf' ? '\r\n' : '\n')
      const parsed = parse(text)
      assert.ok(parsed.ok, parsed.ok ? '' : formatEventsProblem(parsed.problem))
      assert.equal(JSON.stringify(parsed.events), JSON.stringify(events))
    }),
    { numRuns: RUNS },
  )
})

test('JSON Lines with a bad line: the problem names that line (the first bad one)', () => {
  fc.assert(
    fc.property(fc.array(event, { minLength: 1, maxLength: 6 }), fc.nat(), fc.oneof(brokenLine, notAnEvent.map((v) => JSON.stringify(v))), (events, at, bad) => {
      const lines = events.map((e) => JSON.stringify(e))
      const index = 1 + (at % lines.length) // after the first good line, so the file reads as JSON Lines
      lines.splice(index, 0, bad)
      const parsed = parse(lines.join('\n'))
      assert.equal(parsed.ok, false, 'a bad line is reported')
      if (!parsed.ok) assert.equal(parsed.problem.line, index + 1, `${formatEventsProblem(parsed.problem)} (the bad line is ${index + 1})`)
    }),
    { numRuns: RUNS },
  )
})

test('JSON Lines with bad lines: the good events are still usable', () => {
  const good = [{ event: 'a', uuid: '1' }, { event: 'b', uuid: '2' }]
  const parsed = parseEventsText([JSON.stringify(good[0]), '{broken', JSON.stringify(good[1])].join('\n'), FILE) as EventsParse & { events?: unknown[] }
  assert.deepEqual(parsed.events, good)
})

test('JSON Lines with many bad lines among good ones (generated): every bad line named, the good events usable, in order', () => {
  fc.assert(
    fc.property(fc.array(fc.oneof(event.map((e) => ({ good: e })), brokenLine.map((line) => ({ bad: line }))), { minLength: 2, maxLength: 30 }), (mix) => {
      // The first line is a good event, so the file reads as JSON Lines.
      const lines: ({ good: Record<string, unknown> } | { bad: string })[] = [{ good: { event: 'first' } }, ...mix]
      const text = lines.map((l) => ('good' in l ? JSON.stringify(l.good) : l.bad.replace(/\n/g, ' '))).join('\n')
      const badLines = lines.flatMap((l, i) => ('bad' in l ? [i + 1] : []))
      const parsed = parse(text) as EventsParse & { problems?: { line?: number }[]; events?: unknown[] }
      const good = lines.flatMap((l) => ('good' in l ? [l.good] : []))
      if (badLines.length === 0) {
        assert.ok(parsed.ok)
        return
      }
      assert.equal(parsed.ok, false)
      if (parsed.ok) return
      assert.equal(parsed.problem.line, badLines[0], 'the first problem is the first bad line')
      assert.deepEqual(parsed.problems?.map((p) => p.line), badLines, 'every bad line is named')
      assert.equal(JSON.stringify(parsed.events), JSON.stringify(good), 'the good events come back, in order, exactly as given')
    }),
    { numRuns: RUNS },
  )
})

test('arrays and single documents with things that are not events: the problem says which one', () => {
  fc.assert(
    fc.property(fc.array(event, { maxLength: 5 }), fc.nat(), notAnEvent, (events, at, bad) => {
      const list: unknown[] = [...events]
      const index = at % (list.length + 1)
      list.splice(index, 0, bad)
      const parsed = parse(JSON.stringify(list))
      assert.equal(parsed.ok, false)
      if (!parsed.ok && Array.isArray(list) && list.length > 0) assert.match(parsed.problem.message, new RegExp(`^event ${index + 1} of the array`))
    }),
    { numRuns: RUNS },
  )
})

test('arbitrary text, broken JSON and invalid UTF-8 decoded: events or one clear problem, never a throw', () => {
  const base = JSON.stringify([{ event: '$pageview', distinct_id: 'u', properties: { $current_url: 'https://example.com', list: [1, { a: null }] } }], null, 2)
  const edited = fc.tuple(fc.nat({ max: base.length }), fc.nat({ max: 5 }), fc.string({ maxLength: 3, unit: 'binary' })).map(([at, cut, insert]) => base.slice(0, at) + insert + base.slice(at + cut))
  const decoded = fc.uint8Array({ maxLength: 300 }).map((bytes) => new TextDecoder().decode(bytes))
  const badUtf8InEvent = fc.uint8Array({ minLength: 1, maxLength: 40 }).map((bytes) => new TextDecoder().decode(Buffer.concat([Buffer.from('{"event":"'), Buffer.from(bytes.map((b) => b | 0x80)), Buffer.from('"}')])))
  fc.assert(
    fc.property(fc.oneof(edited, decoded, badUtf8InEvent, fc.string({ unit: 'binary', maxLength: 200 }), fc.string({ unit: 'binary' }).map((s) => `\uFEFF${s}`)), (text) => {
      parse(text)
    }),
    { numRuns: RUNS },
  )
})

function timedParse(text: string): EventsParse {
  const started = performance.now()
  const parsed = parse(text)
  const ms = performance.now() - started
  assert.ok(ms < BIG_MS, `took ${Math.round(ms)} ms for ${Math.round(text.length / 2 ** 20)} MB`)
  return parsed
}

test('a 1 000-level nested property and a 10 MB event parse intact, in each format', () => {
  let nested: Record<string, unknown> = { leaf: 'bottom' }
  for (let i = 0; i < 1000; i++) nested = { level: nested }
  const deep = { event: 'deep', uuid: 'd', properties: { nested } }
  const big = { event: 'big', uuid: 'b', properties: { blob: 'x'.repeat(10 * 2 ** 20), list: Array.from({ length: 1000 }, (_, i) => ({ i })) } }
  for (const e of [deep, big]) {
    for (const text of [JSON.stringify(e), JSON.stringify([e]), `${JSON.stringify(e)}\n${JSON.stringify({ event: 'after' })}`]) {
      const parsed = timedParse(text)
      assert.ok(parsed.ok, parsed.ok ? '' : formatEventsProblem(parsed.problem))
      assert.equal(JSON.stringify(parsed.events[0]), JSON.stringify(e))
    }
  }
})

test('a 10 MB file that breaks at its very end, and 100 000-level nesting: one clear problem, in bounded time', () => {
  const broken = timedParse(JSON.stringify([{ event: 'big', properties: { blob: 'x'.repeat(10 * 2 ** 20) } }]).slice(0, -2))
  assert.equal(broken.ok, false)
  const lines = Array.from({ length: 20_000 }, (_, i) => JSON.stringify({ event: 'e', i, pad: 'p'.repeat(400) }))
  lines[19_999] = '{"event": "last", broken'
  const late = timedParse(lines.join('\n'))
  assert.equal(late.ok, false)
  if (!late.ok) assert.equal(late.problem.line, 20_000)
  const deep = timedParse('['.repeat(100_000) + ']'.repeat(100_000))
  assert.equal(deep.ok, false)
  const deepEvent = timedParse(`{"event":"deep","properties":${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}}`)
  assert.ok(deepEvent.ok || deepEvent.problem.message.length > 0)
})

test('figures', () => {
  console.log(`events fuzz: ${documents} event files through parseEventsText`)
})
