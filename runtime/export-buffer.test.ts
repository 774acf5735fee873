import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { LogEntry } from '../common/plugin/event.ts'
import { createVirtualClock } from './clock.ts'
import { EXPORT_CONSTANTS_2023, EXPORT_CONSTANTS_PH_2022, createExportBuffer, exportLimits, exportRetrySeconds, stringClamp } from './export-buffer.ts'
import { createJobQueue } from './jobs.ts'
import type { PluginErrorRecord } from './plugin-error.ts'

const plugin = { id: 'p1', name: 'exporter', configId: '42' }
const START = Date.UTC(2022, 7, 12)

class RetryError extends Error {
  constructor(message?: string) {
    super(message)
    this.name = 'RetryError'
  }
}

/** An event whose JSON is exactly `size` characters long. */
function eventOfSize(name: string, size: number): { event: string; pad: string } {
  const base = JSON.stringify({ event: name, pad: '' }).length
  return { event: name, pad: 'x'.repeat(size - base) }
}

function setup(config: Record<string, unknown>, exportEvents: (batch: unknown[]) => Promise<unknown> = async () => {}) {
  const clock = createVirtualClock({ start: START })
  const logs: LogEntry[] = []
  const errors: PluginErrorRecord[] = []
  const sink = { log: (e: LogEntry) => logs.push(e), onError: (r: PluginErrorRecord) => errors.push(r) }
  const exported: { names: string[]; at: number }[] = []
  const jobs = createJobQueue({ clock, plugin, jobNames: () => [], invoke: async () => {}, sink })
  let ids = 0
  const buffer = createExportBuffer({
    clock,
    plugin,
    config,
    jobs,
    sink,
    random: () => (++ids * 111) / 1000000,
    exportEvents: async (batch) => {
      exported.push({ names: batch.map((e) => (e as { event: string }).event), at: clock.now() - START })
      return exportEvents(batch)
    },
  })
  return { clock, logs, errors, exported, buffer, jobs }
}

test('limits come from config through stringClamp with PH-2022 defaults (20 MiB, 60 s)', () => {
  assert.equal(stringClamp('500', 10, 1, 1000), 500)
  assert.equal(stringClamp('abc', 10, 1, 1000), 10)
  assert.equal(stringClamp('0', 10, 1, 1000), 10) // parseInt(v) || default
  assert.equal(stringClamp('-5', 10, 1, 1000), 1)
  assert.equal(stringClamp('99999', 10, 1, 1000), 1000)
  assert.equal(stringClamp('12.9kb', 10, 1, 1000), 12)
  assert.deepEqual(exportLimits({}), { bytes: 20 * 1024 * 1024, seconds: 60 })
  assert.deepEqual(exportLimits({ exportEventsBufferBytes: '1000000000', exportEventsBufferSeconds: '3600' }), { bytes: 100 * 1024 * 1024, seconds: 600 })
  assert.deepEqual(exportLimits({}, EXPORT_CONSTANTS_2023), { bytes: 900 * 1024, seconds: 10 })
  assert.equal(EXPORT_CONSTANTS_PH_2022.maximumRetries, 3)
  assert.deepEqual([0, 1, 2, 3].map(exportRetrySeconds), [6, 12, 24, 48])
})

test('the buffer flushes by size: before an event that would overflow, and after one that overflows', async () => {
  const { buffer, exported } = setup({ exportEventsBufferBytes: '100', exportEventsBufferSeconds: '60' })
  await buffer.add(eventOfSize('a', 40))
  await buffer.add(eventOfSize('b', 40))
  assert.deepEqual(buffer.pending().bytes, 80)
  await buffer.add(eventOfSize('c', 40)) // 80 + 40 > 100: flush a, b first
  assert.deepEqual(exported.map((e) => e.names), [['a', 'b']])
  await buffer.add(eventOfSize('huge', 150)) // flush c, push huge, now over: flush huge alone
  assert.deepEqual(exported.map((e) => e.names), [['a', 'b'], ['c'], ['huge']])
  assert.deepEqual(buffer.pending(), { events: 0, bytes: 0, flushAt: null })
  assert.deepEqual(buffer.metrics(), { delivered: 4, retried: 0, failed: 0 })
})

test('the buffer flushes by time on the clock, counted from the first event after a flush', async () => {
  const { buffer, exported, clock } = setup({ exportEventsBufferSeconds: '10' })
  await buffer.add(eventOfSize('a', 50))
  await clock.advance(4000)
  await buffer.add(eventOfSize('b', 50))
  assert.equal(buffer.pending().flushAt, START + 10_000)
  await clock.advance(5999)
  assert.equal(exported.length, 0)
  await clock.advance(1)
  assert.deepEqual(exported, [{ names: ['a', 'b'], at: 10_000 }])
  await buffer.add(eventOfSize('c', 50))
  await clock.advance(10_000)
  assert.deepEqual(exported.at(-1), { names: ['c'], at: 20_000 })
})

test('events named in exportEventsToIgnore are not buffered; teardown flushes what is left', async () => {
  const { buffer, exported, clock } = setup({ exportEventsToIgnore: '$feature_flag_called, $autocapture ' })
  assert.deepEqual([...buffer.ignored], ['$feature_flag_called', '$autocapture'])
  assert.equal(await buffer.add({ event: '$autocapture' }), false)
  assert.equal(await buffer.add({ event: '$pageview' }), true)
  assert.equal(await buffer.add({ event: '$feature_flag_called' }), false)
  await buffer.teardown()
  assert.deepEqual(exported, [{ names: ['$pageview'], at: 0 }])
  assert.deepEqual(clock.pending(), []) // the time flush was disarmed
})

test('RetryError retries the batch as a job at 6, 12, 24 s, then drops it, with metrics and log lines', async () => {
  const { buffer, exported, clock, logs, jobs } = setup({}, async () => {
    throw new RetryError('endpoint down')
  })
  await buffer.add({ event: 'one' })
  await buffer.add({ event: 'two' })
  await buffer.flush()
  assert.equal(jobs.queued()[0].name, 'exportEventsWithRetry')
  assert.equal(jobs.queued()[0].runAt, START + 6000)
  await clock.runUntilIdle()
  assert.deepEqual(exported.map((e) => e.at), [0, 6000, 18_000, 42_000])
  assert.deepEqual(buffer.metrics(), { delivered: 0, retried: 6, failed: 2 })
  assert.deepEqual(
    logs.map((l) => [l.source, l.message, l.time - START]),
    [
      ['SYSTEM', 'Enqueued PluginConfig 42 batch 111 for retry #1 in 6s', 0],
      ['SYSTEM', 'Enqueued PluginConfig 42 batch 111 for retry #2 in 12s', 6000],
      ['SYSTEM', 'Enqueued PluginConfig 42 batch 111 for retry #3 in 24s', 18_000],
      ['SYSTEM', 'Dropped PluginConfig 42 batch 111 after retrying 3 times', 42_000],
    ],
  )
  assert.deepEqual(buffer.batches().map((b) => [b.attempt, b.outcome]), [[1, 'retry'], [2, 'retry'], [3, 'retry'], [4, 'dropped']])
})

test('a retry that succeeds counts the batch delivered once', async () => {
  let calls = 0
  const { buffer, clock } = setup({}, async () => {
    if (++calls === 1) throw new RetryError('flaky')
  })
  await buffer.add({ event: 'one' })
  await buffer.teardown()
  await clock.runUntilIdle()
  assert.deepEqual(buffer.metrics(), { delivered: 1, retried: 1, failed: 0 })
  assert.equal(clock.now() - START, 6000)
})

test('other errors are not retried: recorded through processError on a flush, rethrown from the job body', async () => {
  const { buffer, errors, jobs } = setup({}, async () => {
    throw new TypeError('bad payload')
  })
  await buffer.add({ event: 'one' })
  await buffer.flush()
  assert.equal(errors.length, 1)
  assert.equal(errors[0].message, 'bad payload')
  assert.deepEqual(jobs.queued(), [])
  assert.deepEqual(buffer.metrics(), { delivered: 0, retried: 0, failed: 1 })
  await assert.rejects(buffer.exportEventsWithRetry({ batch: [{ event: 'x' }], batchId: 1, retriesPerformedSoFar: 1 }), TypeError)
})
