// Time travel's store: every step's state comes back as it was; unchanged steps share their text;
// past the budget the oldest go first and asking for one says it is no longer kept.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { PipelineState } from '../../common/protocol/studio.ts'
import { StepHistory } from './step-history.ts'

const state = (n: number, padding = ''): PipelineState => ({
  plugins: [],
  stale: false,
  time: { now: new Date(Date.UTC(2022, 7, 12, 0, n)).toISOString(), mode: 'virtual', timers: [], plugins: [] },
  stores: [{ plugin: 'p', cache: [{ key: 'seen', value: n, type: 'string', ttlMs: null }], storage: [{ key: 'pad', value: padding }], global: { n } }],
})

test('each step’s state comes back as it was after that step', () => {
  const history = new StepHistory()
  const ids = [1, 2, 3].map((n) => history.record(state(n)))
  assert.deepEqual(history.get(ids[0]), state(1))
  assert.deepEqual(history.get(ids[2]), state(3))
})

test('a step that changed nothing costs no more memory', () => {
  const history = new StepHistory()
  history.record(state(1, 'x'.repeat(1000)))
  const before = history.size.bytes
  history.record(state(1, 'x'.repeat(1000)))
  assert.equal(history.size.bytes, before)
  assert.equal(history.size.snapshots, 2)
})

test('past the byte budget the oldest steps are dropped, with a message that says so', () => {
  const history = new StepHistory({ maxBytes: 10_000 })
  const ids = Array.from({ length: 100 }, (_, n) => history.record(state(n, 'y'.repeat(400))))
  assert.ok(history.size.bytes <= 10_000, `${history.size.bytes} bytes kept`)
  assert.ok(history.size.snapshots < 100 && history.size.snapshots > 5)
  assert.deepEqual(history.get(ids[99]), state(99, 'y'.repeat(400)))
  assert.throws(() => history.get(ids[0]), /no longer kept.*oldest kept: step \d+/)
  assert.throws(() => history.get(12345), /No step 12345/)
})

test('past the count budget too; clear forgets everything', () => {
  const history = new StepHistory({ maxSnapshots: 10 })
  const ids = Array.from({ length: 25 }, (_, n) => history.record(state(n)))
  assert.equal(history.size.snapshots, 10)
  assert.equal(history.get(ids[15]).time!.now, state(15).time!.now)
  history.clear()
  assert.deepEqual(history.size, { snapshots: 0, bytes: 0 })
})
