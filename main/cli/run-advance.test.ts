// `run --advance <duration>` and the --json records of what happened on the runtime clock.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { event, plugin, runCli } from './spawn-cli.test-helper.ts'

const dir = mkdtempSync(join(tmpdir(), 'cli-advance-'))
const START = Date.UTC(2022, 7, 12)
const at = (ms: number) => new Date(START + ms).toISOString()

function eventsFile(name: string, events: unknown[]): string {
  const file = join(dir, name)
  writeFileSync(file, JSON.stringify(events))
  return file
}

interface Record_ {
  time: string
  [key: string]: unknown
}
interface Report {
  results: { output: unknown }[]
  teardown: { logs: { message: string }[] }[]
  clock: { advancedMs: number; now: string; fired: { label: string; time: string }[]; logs: { message: string; time: number }[] } | null
  captured: Record_[]
  exported: Record_[]
  exportMetrics: Record<string, { delivered: number; retried: number; failed: number }>
  fetches: Record_[]
  jobs: Record_[]
  scheduled: Record_[]
}

async function runJson(args: string[]): Promise<Report> {
  const run = await runCli(['run', ...args, '--json'])
  assert.equal(run.code, 0, run.stderr)
  return JSON.parse(run.stdout) as Report
}

test("an exporter's whole life from the CLI: buffer, time flush, RetryError retry as a job, delivery", async () => {
  const events = eventsFile('three.json', [event('a'), event('b'), event('c')])
  const report = await runJson([plugin('exporter'), '--events', events, '--config', 'failures=1', '--advance', '1h'])
  assert.equal(report.results.length, 3)
  assert.equal(report.clock?.advancedMs, 3_600_000)
  assert.equal(report.clock?.now, at(3_600_000))
  assert.deepEqual(report.clock?.fired.map((f) => [f.label, f.time]), [
    ['exportEvents buffer flush', at(10_000)],
    ['job exportEventsWithRetry', at(16_000)],
  ])
  const lines = report.clock!.logs.map((l) => l.message.replace(/batch \d+/, 'batch N'))
  assert.deepEqual(lines, ['Enqueued PluginConfig 1 batch N for retry #1 in 6s', 'exported 3: a,b,c'])
  assert.deepEqual(report.exported.map((e) => [e.time, e.outcome, e.attempt, e.size]), [[at(10_000), 'retry', 1, 3], [at(16_000), 'delivered', 2, 3]])
  assert.deepEqual(report.exportMetrics['exporter'], { delivered: 3, retried: 3, failed: 0 })
  assert.deepEqual(report.jobs.map((j) => [j.time, j.name, j.runAt, j.status]), [[at(10_000), 'exportEventsWithRetry', at(16_000), 'ok']])
  assert.deepEqual([report.captured, report.fetches, report.scheduled], [[], [], []])
})

test('without --advance the clock stands still: the buffer is flushed at teardown, at the start time', async () => {
  const report = await runJson([plugin('exporter'), '--events', eventsFile('one.json', [event('only')])])
  assert.equal(report.clock, null)
  assert.ok(report.teardown[0].logs.some((l) => l.message === 'exported 1: only'))
  assert.deepEqual(report.exported.map((e) => [e.time, e.outcome]), [[at(0), 'delivered']])
})

test('--advance 1d runs scheduled tasks at their cron boundaries, the jobs they enqueue, and records captures', async () => {
  const report = await runJson([plugin('ticker'), '--events', eventsFile('tick.json', [event('x')]), '--advance', '1d'])
  const byTask = (task: string) => report.scheduled.filter((s) => s.task === task)
  assert.equal(byTask('runEveryMinute').length, 1440)
  assert.equal(byTask('runEveryHour').length, 24)
  assert.deepEqual(byTask('runEveryDay').map((s) => [s.time, s.status]), [[at(86_400_000), 'ok']])
  assert.equal(byTask('runEveryMinute')[0].time, at(60_000))
  assert.equal(report.jobs.length, 24)
  assert.deepEqual([report.jobs[0].time, report.jobs[0].runAt, report.jobs[0].status], [at(3_600_000), at(3_900_000), 'ok'])
  assert.equal(report.jobs[23].status, 'cancelled', 'the last hour’s job falls after the advance; unload cancels it')
  assert.deepEqual(report.captured.map((c) => [c.time, (c.event as { event: string }).event, c.fed]), [[at(86_400_000), 'daily tick', 'pending']])
})

test('bad --advance values are refused with one line naming the flag', async () => {
  const run = await runCli(['run', plugin('exporter'), '--events', eventsFile('e.json', [event('a')]), '--advance', 'soon'])
  assert.equal(run.code, 2)
  assert.match(run.stderr.trim(), /--advance expects a duration such as 90s, 10m, 1h, 1d or 1h30m, got 'soon'$/)
})

test('--realtime follows the wall clock: the buffer flushes after its real second', async () => {
  const report = await runJson([plugin('exporter'), '--events', eventsFile('rt.json', [event('a')]), '--config', 'exportEventsBufferSeconds=1', '--realtime', '--advance', '1500ms'])
  assert.deepEqual(report.clock?.fired.map((f) => f.label), ['exportEvents buffer flush'])
  assert.ok(Math.abs(Date.parse(report.clock!.now) - Date.now()) < 60_000, 'wall-clock time, not the virtual start')
  assert.deepEqual(report.exported.map((e) => e.outcome), ['delivered'])
})
