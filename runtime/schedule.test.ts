import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { LogEntry } from '../common/plugin/event.ts'
import { createVirtualClock } from './clock.ts'
import type { PluginErrorRecord } from './plugin-error.ts'
import { STUDIO_scheduleSkipped } from './posthog-messages.ts'
import type { ScheduledTaskName } from './schedule.ts'
import { SCHEDULE_CRONS, createScheduler, nextBoundary } from './schedule.ts'

const plugin = { id: 'p1', name: 'poller', configId: '7' }
const MIN = 60_000
const HOUR = 60 * MIN
const START = Date.UTC(2022, 7, 12, 23, 58, 30) // 90 s before midnight UTC

function setup(tasks: string[], invoke: (task: ScheduledTaskName) => Promise<unknown> = async () => {}) {
  const clock = createVirtualClock({ start: START })
  const logs: LogEntry[] = []
  const errors: PluginErrorRecord[] = []
  const calls: string[] = []
  const scheduler = createScheduler({
    clock,
    plugin,
    tasks,
    invoke: async (task) => {
      calls.push(`${task}@${new Date(clock.now()).toISOString().slice(11, 19)}`)
      return invoke(task)
    },
    sink: { log: (e) => logs.push(e), onError: (r) => errors.push(r) },
  })
  return { clock, logs, errors, calls, scheduler }
}

test('cron boundaries are the next whole minute, hour and UTC day', () => {
  const t = Date.UTC(2022, 7, 12, 10, 15, 30, 500)
  assert.equal(nextBoundary('runEveryMinute', t), Date.UTC(2022, 7, 12, 10, 16))
  assert.equal(nextBoundary('runEveryHour', t), Date.UTC(2022, 7, 12, 11))
  assert.equal(nextBoundary('runEveryDay', t), Date.UTC(2022, 7, 13))
  // On a boundary: the next one, not the same instant.
  assert.equal(nextBoundary('runEveryMinute', Date.UTC(2022, 7, 12, 10, 16)), Date.UTC(2022, 7, 12, 10, 17))
  assert.deepEqual(SCHEDULE_CRONS, { runEveryMinute: '* * * * *', runEveryHour: '0 * * * *', runEveryDay: '0 0 * * *' })
})

test('scheduled tasks fire at minute, hour and day boundaries as the clock advances', async () => {
  const { clock, calls, scheduler } = setup(['runEveryMinute', 'runEveryHour', 'runEveryDay', 'processEvent'])
  scheduler.start()
  assert.deepEqual(
    scheduler.nextRuns().map((r) => [r.task, new Date(r.at).toISOString()]),
    [
      ['runEveryMinute', '2022-08-12T23:59:00.000Z'],
      ['runEveryHour', '2022-08-13T00:00:00.000Z'],
      ['runEveryDay', '2022-08-13T00:00:00.000Z'],
    ],
  )
  await clock.advance(3 * MIN)
  assert.deepEqual(calls, [
    'runEveryMinute@23:59:00',
    'runEveryMinute@00:00:00',
    'runEveryHour@00:00:00',
    'runEveryDay@00:00:00',
    'runEveryMinute@00:01:00',
  ])
  calls.length = 0
  await clock.advance(HOUR)
  assert.equal(calls.filter((c) => c.startsWith('runEveryMinute')).length, 60)
  assert.deepEqual(calls.filter((c) => !c.startsWith('runEveryMinute')), ['runEveryHour@01:00:00'])
  assert.ok(scheduler.history().every((r) => r.status === 'ok' && r.trigger === 'schedule'))
})

test('a run still going makes the next tick skip (debounce per task), logged; the next run counts from its end', async () => {
  let release!: () => void
  const gate = new Promise<void>((resolve) => (release = resolve))
  const { clock, calls, logs, scheduler } = setup(['runEveryMinute'], () => gate)
  scheduler.start()
  const manual = scheduler.fireNow('runEveryMinute') // the studio's button: still running
  assert.deepEqual(scheduler.running(), ['runEveryMinute'])
  await clock.advance(2 * MIN)
  assert.equal(calls.length, 1)
  const skipped = scheduler.history().filter((r) => r.status === 'skipped')
  assert.equal(skipped.length, 2)
  assert.deepEqual(
    logs.map((l) => [l.level, l.source, l.message]),
    [
      ['debug', 'SYSTEM', STUDIO_scheduleSkipped('runEveryMinute')],
      ['debug', 'SYSTEM', STUDIO_scheduleSkipped('runEveryMinute')],
    ],
  )
  release()
  assert.equal((await manual).status, 'ok')
  await clock.advance(MIN)
  assert.equal(calls.length, 2)
  assert.equal(scheduler.history().at(-1)?.status, 'ok')
})

test("a task's error goes through processError and the schedule keeps running", async () => {
  let n = 0
  const { clock, logs, errors, scheduler } = setup(['runEveryMinute'], async () => {
    if (++n === 1) throw Object.assign(new Error('API down'), { stack: 'Error: API down\n    at runEveryMinute (index.ts:3:9)' })
  })
  scheduler.start()
  await clock.advance(2 * MIN)
  assert.equal(n, 2)
  assert.equal(errors.length, 1)
  assert.equal(errors[0].message, 'API down')
  assert.equal(errors[0].time, '2022-08-12T23:59:00.000Z')
  assert.deepEqual(logs.map((l) => [l.level, l.source, l.message.split('\n')[0]]), [['error', 'PLUGIN', 'Error: API down']])
  assert.deepEqual(scheduler.history().map((r) => r.status), ['error', 'ok'])
})

test('the schedule is a background timer: runUntilIdle finishes the other work and returns', async () => {
  const { clock, calls, scheduler } = setup(['runEveryMinute'])
  scheduler.start()
  let job = false
  clock.after(140_000, () => (job = true), 'job') // 00:00:50
  const result = await clock.runUntilIdle()
  assert.equal(result.truncated, false)
  assert.equal(job, true)
  assert.deepEqual(calls, ['runEveryMinute@23:59:00', 'runEveryMinute@00:00:00'])
  assert.equal(clock.now(), Date.UTC(2022, 7, 13, 0, 0, 50))
  assert.equal(scheduler.nextRuns()[0].at, Date.UTC(2022, 7, 13, 0, 1))
})

test('stop disarms the schedule; fireNow refuses a task the plugin does not export', async () => {
  const { clock, calls, scheduler } = setup(['runEveryHour'])
  scheduler.start()
  await scheduler.stop()
  await clock.advance(2 * HOUR)
  assert.deepEqual(calls, [])
  assert.deepEqual(scheduler.nextRuns(), [])
  await assert.rejects(scheduler.fireNow('runEveryDay'), /does not export runEveryDay; it exports runEveryHour/)
})
