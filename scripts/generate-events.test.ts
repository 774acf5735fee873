import { test } from 'node:test'
import assert from 'node:assert/strict'
import { generateEvents } from './generate-events.ts'

test('the same seed gives the same events; another seed, others', () => {
  assert.equal(JSON.stringify(generateEvents(300, 5)), JSON.stringify(generateEvents(300, 5)))
  assert.notEqual(JSON.stringify(generateEvents(300, 5)), JSON.stringify(generateEvents(300, 6)))
})

test('events look like what the plugin-server receives, with a realistic mix', () => {
  const events = generateEvents(10_000, 1)
  assert.equal(events.length, 10_000)
  const counts = new Map<unknown, number>()
  for (const e of events) counts.set(e.event, (counts.get(e.event) ?? 0) + 1)
  const ranked = [...counts].sort((a, b) => b[1] - a[1]).map(([name]) => name)
  assert.equal(ranked[0], '$pageview')
  for (const name of ['$autocapture', '$pageleave', '$identify', '$groupidentify', '$screen', 'order completed', 'signed up']) assert.ok(counts.has(name), name)
  assert.ok(events.some((e) => !('properties' in e)), 'some events have no properties')
  let previous = ''
  for (const e of events) {
    for (const key of ['uuid', 'event', 'distinct_id', 'ip', 'site_url', 'team_id', 'now', 'timestamp', 'sent_at']) assert.ok(key in e, key)
    assert.match(e.uuid as string, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    assert.ok((e.timestamp as string) >= previous, 'in time order')
    previous = e.timestamp as string
  }
  const people = new Set(events.map((e) => e.distinct_id))
  assert.ok(people.size > 100 && people.size < 2000, `${people.size} distinct people`)
})
