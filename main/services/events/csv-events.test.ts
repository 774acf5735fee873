import { test } from 'node:test'
import assert from 'node:assert/strict'
import { cellValue, looksLikeCsv, parseCsvEvents } from './csv-events.ts'
import { convertImport } from './import-events.ts'
import { readEventsFile } from './read-events-file.ts'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'

test("PostHog's CSV export with flattened properties and person columns becomes PluginEvents", () => {
  const csv = [
    'uuid,event,distinct_id,timestamp,properties.$current_url,properties.$feature/new-nav,properties.price,properties.tags,person.properties.email,person.created_at',
    '0190-a,$pageview,user-1,2024-05-01T10:00:00.000Z,https://shop.example/?a=1,true,19.99,"[""a"",""b""]",ada@example.com,2024-01-01T00:00:00Z',
    '0190-b,$autocapture,user-2,2024-05-01T10:01:00.000Z,,false,,,,',
  ].join('\n')
  const { events, problems, ignoredColumns } = parseCsvEvents(csv)
  assert.deepEqual(problems, [])
  assert.deepEqual(ignoredColumns, [])
  assert.deepEqual(events[0], {
    uuid: '0190-a',
    event: '$pageview',
    distinct_id: 'user-1',
    timestamp: '2024-05-01T10:00:00.000Z',
    properties: { $current_url: 'https://shop.example/?a=1', '$feature/new-nav': true, price: 19.99, tags: ['a', 'b'] },
    person: { created_at: '2024-01-01T00:00:00Z', properties: { email: 'ada@example.com' } },
  })
  // Empty cells are properties the event does not have.
  assert.deepEqual(events[1].properties, { '$feature/new-nav': false })
  assert.equal(events[1].person, undefined)
})

test('a properties JSON column, and bad rows named by line while the good ones are kept', () => {
  const csv = [
    'event,distinct_id,properties,team_id,elements_chain',
    'signed up,u1,"{""plan"":""pro"",""seats"":3}",2,a.nav',
    ',u2,{},2,',
    'broken,u3,"{not json",2,',
    'short,u4',
    'ok,u5,,2,',
  ].join('\r\n')
  const { events, problems, ignoredColumns } = parseCsvEvents(csv)
  assert.deepEqual(events.map((e) => e.event), ['signed up', 'ok'])
  assert.deepEqual(events[0], { event: 'signed up', distinct_id: 'u1', team_id: 2, elements_chain: 'a.nav', properties: { plan: 'pro', seats: 3 } })
  assert.deepEqual(problems.map((p) => p.line), [3, 4, 5])
  assert.match(problems[0].message, /no event name/)
  assert.match(problems[1].message, /"properties" column is not valid JSON/)
  assert.match(problems[2].message, /2 cells, the header has 5/)
  assert.deepEqual(ignoredColumns, [])
})

test('quoted cells spanning lines keep later line numbers right; unknown columns are reported', () => {
  const csv = 'event,properties.note,weird\nnote,"line one\nline two",x\n,n,\nlast,,y\n'
  const { events, problems, ignoredColumns } = parseCsvEvents(csv)
  assert.equal(events.length, 2)
  assert.equal(events[0].properties?.note, 'line one\nline two')
  assert.deepEqual(problems.map((p) => p.line), [4])
  assert.deepEqual(ignoredColumns, ['weird'])
})

test('cells are read back as JSON only when JSON would have written them that way', () => {
  assert.equal(cellValue('42'), 42)
  assert.equal(cellValue('-1.5e3'), -1500)
  assert.equal(cellValue('007'), '007')
  assert.equal(cellValue('12345678901234567890'), '12345678901234567890')
  assert.equal(cellValue('null'), null)
  assert.deepEqual(cellValue('{"a":1}'), { a: 1 })
  assert.equal(cellValue('{not'), '{not')
  assert.equal(cellValue('True'), 'True')
})

test('imports: CSV by name or by its header, JSON Lines with a bad line', () => {
  assert.equal(looksLikeCsv('uuid,event,distinct_id\n1,a,b'), true)
  assert.equal(looksLikeCsv('{"event":"a"}'), false)
  const csv = convertImport('export.csv', 'event,distinct_id\na,1\nb,2\n')
  assert.equal(csv.format, 'csv')
  assert.equal(csv.text, '{"event":"a","distinct_id":"1"}\n{"event":"b","distinct_id":"2"}\n')
  const lines = convertImport('x.jsonl', '{"event":"a"}\n{"event":\n{"event":"c"}\n')
  assert.equal(lines.imported, 2)
  assert.deepEqual(lines.problems.map((p) => p.line), [2])
})

test('the CLI reads a .csv export too, and refuses it with the line of the first bad row', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'csv-events-'))
  try {
    const good = path.join(dir, 'good.csv')
    await writeFile(good, 'event,distinct_id,properties.n\na,1,2\n')
    const parsed = await readEventsFile(good)
    assert.ok(parsed.ok)
    assert.deepEqual(parsed.events, [{ event: 'a', distinct_id: '1', properties: { n: 2 } }])
    const bad = path.join(dir, 'bad.csv')
    await writeFile(bad, 'event,distinct_id\na,1\n,2\n')
    const refused = await readEventsFile(bad)
    assert.ok(!refused.ok)
    assert.equal(refused.problem.line, 3)
    assert.match(refused.problem.message, /no event name/)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
})
