import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { LogEntry } from '../common/plugin/event.ts'
import { createVirtualClock } from './clock.ts'
import { JOB_UNIT_MS, createJobQueue, durationToMs } from './jobs.ts'
import type { PluginErrorRecord } from './plugin-error.ts'

const plugin = { id: 'p1', name: 'job-plugin', configId: '12' }
const DAY = 86_400_000
const START = Date.UTC(2022, 7, 12)

function setup(exported: string[] = ['sendLater', 'zero']) {
  const clock = createVirtualClock({ start: START })
  const logs: LogEntry[] = []
  const errors: PluginErrorRecord[] = []
  const calls: { name: string; payload: unknown; args: number; at: number }[] = []
  const queue = createJobQueue({
    clock,
    plugin,
    jobNames: () => exported,
    invoke: async (name, payload) => {
      calls.push({ name, payload, args: payload === undefined ? 1 : 2, at: clock.now() - START })
      if (name === 'zero' && payload === 'throw') throw new Error('job failed')
    },
    sink: { log: (e) => logs.push(e), onError: (r) => errors.push(r) },
  })
  return { clock, logs, errors, calls, queue }
}

test("units follow PostHog's table: trailing s added, months are 30 weeks, quarters 13 weeks", () => {
  assert.equal(durationToMs(1, 'millisecond'), 1)
  assert.equal(durationToMs(2, 'seconds'), 2000)
  assert.equal(durationToMs(3, 'minute'), 180_000)
  assert.equal(durationToMs(1, 'hour'), 3_600_000)
  assert.equal(durationToMs(1, 'day'), DAY)
  assert.equal(durationToMs(1, 'week'), 7 * DAY)
  assert.equal(durationToMs(1, 'month'), 210 * DAY) // the bug: 30 × weeks
  assert.equal(durationToMs(1, 'months'), 210 * DAY)
  assert.equal(durationToMs(1, 'quarter'), 91 * DAY)
  assert.equal(durationToMs(1, 'year'), 365 * DAY)
  assert.equal(durationToMs(0.5, 'seconds'), 500)
  assert.deepEqual(Object.keys(JOB_UNIT_MS), ['milliseconds', 'seconds', 'minutes', 'hours', 'days', 'weeks', 'months', 'quarters', 'years'])
})

test('an unknown unit throws "Unknown time unit: <unit>s" to the plugin and enqueues nothing', async () => {
  assert.throws(() => durationToMs(1, 'fortnight'), { message: 'Unknown time unit: fortnights' })
  assert.throws(() => durationToMs(1, 'ms'), { message: 'Unknown time unit: ms' })
  assert.throws(() => durationToMs(1, 'constructor'), { message: 'Unknown time unit: constructors' })
  const { queue } = setup()
  await assert.rejects(queue.jobs.sendLater({}).runIn(1, 'fortnight'), { message: 'Unknown time unit: fortnights' })
  assert.deepEqual(queue.queued(), [])
})

test('runIn and runAt put jobs on the clock; they run when it gets there, in time order', async () => {
  const { clock, calls, queue } = setup()
  await queue.jobs.sendLater({ n: 2 }).runIn(2, 'hours')
  await queue.jobs.sendLater({ n: 1 }).runIn(30, 'minutes')
  await queue.jobs.sendLater({ n: 3 }).runAt(new Date(START + 3 * 3_600_000))
  await queue.jobs.sendLater({ n: 4 }).runIn(1, 'month')
  assert.deepEqual(queue.queued().map((j) => (j.payload as { n: number }).n), [1, 2, 3, 4])
  await clock.advance(3 * 3_600_000)
  assert.deepEqual(calls.map((c) => [(c.payload as { n: number }).n, c.at]), [
    [1, 1_800_000],
    [2, 7_200_000],
    [3, 10_800_000],
  ])
  await clock.advance(209 * DAY)
  assert.equal(calls.length, 3)
  await clock.advance(DAY)
  assert.equal(calls.length, 4)
  assert.equal(calls[3].at, 210 * DAY)
  assert.ok(queue.history().every((j) => j.status === 'ok'))
})

test('runNow is due at the current time and runs on the next clock step', async () => {
  const { clock, calls, queue } = setup()
  await queue.jobs.sendLater({ now: true }).runNow()
  assert.equal(calls.length, 0)
  await clock.runUntilIdle()
  assert.deepEqual(calls.map((c) => c.at), [0])
})

test('the payload is a JSON copy taken at enqueue time; a falsy payload means the job gets only meta', async () => {
  const { clock, calls, queue } = setup()
  const payload = { when: new Date(START), list: [1, undefined], nested: { a: 1 }, skip: undefined as unknown }
  await queue.jobs.sendLater(payload).runNow()
  payload.nested.a = 2 // later changes do not reach the queued job
  for (const falsy of [0, '', null, false, undefined]) await queue.jobs.zero(falsy).runNow()
  await clock.runUntilIdle()
  assert.deepEqual(calls[0].payload, { when: '2022-08-12T00:00:00.000Z', list: [1, null], nested: { a: 1 } })
  assert.deepEqual(calls.slice(1).map((c) => [c.payload, c.args]), [[undefined, 1], [undefined, 1], [undefined, 1], [undefined, 1], [undefined, 1]])
})

test('a job the plugin does not export fails with PostHog\'s "Task … not found" error through processError', async () => {
  const { clock, errors, logs, queue } = setup()
  await queue.jobs.notExported({ x: 1 }).runIn(5, 'seconds') // a Proxy: any name can be enqueued
  await clock.advance(5000)
  assert.equal(errors.length, 1)
  assert.equal(errors[0].message, 'Task "notExported" not found for plugin "job-plugin" with config id [object Object]')
  assert.equal(logs.at(-1)?.source, 'PLUGIN')
  assert.equal(queue.history()[0].status, 'error')
})

test("a job's error is recorded, not retried; an enqueue failure is logged, not thrown", async () => {
  const { clock, errors, logs, queue, calls } = setup()
  await queue.jobs.zero('throw').runNow()
  await clock.runUntilIdle()
  assert.equal(calls.length, 1)
  assert.equal(errors[0].message, 'job failed')
  const circular: Record<string, unknown> = {}
  circular.self = circular
  await queue.jobs.sendLater(circular).runNow()
  await queue.jobs.sendLater({}).runAt(new Date('not a date'))
  const enqueueLogs = logs.filter((l) => l.source === 'SYSTEM').map((l) => l.message)
  assert.equal(enqueueLogs.length, 2)
  assert.match(enqueueLogs[0], /^Failed to enqueue job sendLater with error: Converting circular structure to JSON/)
  assert.equal(enqueueLogs[1], 'Failed to enqueue job sendLater with error: Invalid time value: NaN')
  assert.deepEqual(queue.queued(), [])
})

test('host jobs run in place of the plugin; cancelAll takes waiting jobs off the clock', async () => {
  const { clock, calls, queue } = setup([])
  const host: unknown[] = []
  queue.registerHostJob('exportEventsWithRetry', async (payload) => void host.push(payload))
  queue.enqueue('exportEventsWithRetry', { batch: [1] }, clock.now() + 6000)
  await queue.jobs.later({}).runIn(1, 'minute')
  await clock.advance(6000)
  assert.deepEqual(host, [{ batch: [1] }])
  queue.cancelAll()
  await clock.advance(60_000)
  assert.equal(calls.length, 0)
  assert.deepEqual(queue.history().map((j) => j.status), ['ok', 'cancelled'])
})
