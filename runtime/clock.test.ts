import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createRealtimeClock, createVirtualClock } from './clock.ts'

test('the virtual clock stands still until advanced', () => {
  const clock = createVirtualClock({ start: 1000 })
  assert.equal(clock.now(), 1000)
  assert.equal(clock.now(), 1000)
})

test('advance fires timers in order of time, then of scheduling, and ends at the target', async () => {
  const clock = createVirtualClock({ start: 0 })
  const seen: string[] = []
  clock.after(300, () => seen.push(`c@${clock.now()}`))
  clock.at(100, () => seen.push(`a@${clock.now()}`))
  clock.at(200, () => seen.push(`b1@${clock.now()}`))
  clock.at(200, () => seen.push(`b2@${clock.now()}`))
  clock.at(999, () => seen.push('late'))
  const result = await clock.advance(300)
  assert.deepEqual(seen, ['a@100', 'b1@200', 'b2@200', 'c@300'])
  assert.equal(result.fired.length, 4)
  assert.equal(clock.now(), 300)
  assert.deepEqual(clock.pending().map((t) => t.time), [999])
})

test('each async callback is awaited before the next timer fires', async () => {
  const clock = createVirtualClock({ start: 0 })
  const seen: string[] = []
  clock.at(10, async () => {
    seen.push('first start')
    await new Promise((resolve) => setImmediate(resolve))
    await Promise.resolve()
    seen.push('first end')
  })
  clock.at(10, () => seen.push('second'))
  await clock.advance(10)
  assert.deepEqual(seen, ['first start', 'first end', 'second'])
})

test('timers scheduled by callbacks fire in the same advance when they fall due', async () => {
  const clock = createVirtualClock({ start: 0 })
  const seen: number[] = []
  clock.at(50, () => {
    seen.push(clock.now())
    clock.after(20, () => seen.push(clock.now()))
    clock.after(500, () => seen.push(clock.now()))
  })
  await clock.advance(100)
  assert.deepEqual(seen, [50, 70])
  assert.equal(clock.now(), 100)
})

test('runUntilIdle runs every timer, moving time to each, and stops at the bounds', async () => {
  const clock = createVirtualClock({ start: 0 })
  let n = 0
  const rearm = () => {
    n++
    clock.after(1000, rearm)
  }
  clock.after(1000, rearm)
  const bounded = await clock.runUntilIdle({ maxSteps: 5 })
  assert.equal(n, 5)
  assert.equal(bounded.truncated, true)
  assert.equal(clock.now(), 5000)
  const byTime = await clock.runUntilIdle({ maxMs: 2500 })
  assert.equal(n, 7)
  assert.equal(byTime.truncated, true)

  const idle = createVirtualClock({ start: 0 })
  idle.at(40_000, () => {})
  idle.at(7, () => {})
  const done = await idle.runUntilIdle()
  assert.equal(done.truncated, false)
  assert.equal(idle.now(), 40_000)
  assert.deepEqual(idle.pending(), [])
})

test('runUntilIdle leaves background (recurring) timers waiting; advance runs them', async () => {
  const clock = createVirtualClock({ start: 0 })
  let ticks = 0
  const tick = () => {
    ticks++
    clock.after(60_000, tick, 'cron', { background: true })
  }
  clock.after(60_000, tick, 'cron', { background: true })
  let job = 0
  clock.after(150_000, () => job++, 'job')
  const result = await clock.runUntilIdle()
  assert.equal(result.truncated, false)
  assert.equal(job, 1)
  assert.equal(ticks, 2) // the ones due before the last foreground timer
  assert.equal(clock.now(), 150_000)
  assert.deepEqual(clock.pending().map((t) => [t.label, t.background]), [['cron', true]])
  await clock.advance(120_000)
  assert.equal(ticks, 4)
})

test('advance is bounded by maxSteps and says so', async () => {
  const clock = createVirtualClock({ start: 0 })
  const tick = () => void clock.after(1000, tick, 'cron', { background: true })
  clock.after(1000, tick, 'cron', { background: true })
  const result = await clock.advance(60_000, { maxSteps: 10 })
  assert.equal(result.truncated, true)
  assert.equal(result.fired.length, 10)
  assert.equal(clock.now(), 10_000)
  assert.equal((await clock.advance(50_000)).truncated, false)
  assert.equal(clock.now(), 60_000)
})

test('cancel removes a timer; a throwing callback is reported and the clock goes on', async () => {
  const clock = createVirtualClock({ start: 0 })
  const seen: string[] = []
  const id = clock.at(5, () => seen.push('cancelled'))
  clock.at(6, () => {
    throw new Error('boom')
  }, 'bad')
  clock.at(7, () => seen.push('after'))
  assert.equal(clock.cancel(id), true)
  assert.equal(clock.cancel(id), false)
  const result = await clock.advance(10)
  assert.deepEqual(seen, ['after'])
  assert.equal(result.errors.length, 1)
  assert.equal(result.errors[0].timer.label, 'bad')
  assert.equal((result.errors[0].error as Error).message, 'boom')
})

test('a timer in the past fires on the next step without moving time back', async () => {
  const clock = createVirtualClock({ start: 10_000 })
  let at = 0
  clock.at(5, () => (at = clock.now()))
  await clock.advance(0)
  assert.equal(at, 10_000)
})

test('advancing from inside a timer callback is refused with a clear error', async () => {
  const clock = createVirtualClock({ start: 0 })
  clock.at(1, () => clock.advance(5))
  const result = await clock.advance(2)
  assert.match(String((result.errors[0].error as Error).message), /already being advanced/)
  await assert.rejects(clock.advance(-1), /0 ms or more/)
  assert.throws(() => clock.after(Number.NaN, () => {}), /finite number/)
})

test('the realtime clock follows the wall clock with real timers, same API', async () => {
  const clock = createRealtimeClock()
  assert.equal(clock.mode, 'realtime')
  const before = Date.now()
  assert.ok(Math.abs(clock.now() - before) < 50)
  const seen: string[] = []
  clock.after(30, () => seen.push('b'))
  clock.after(5, () => seen.push('a'))
  const cancelled = clock.after(10, () => seen.push('never'))
  clock.cancel(cancelled)
  const result = await clock.runUntilIdle({ maxMs: 2000 })
  assert.deepEqual(seen, ['a', 'b'])
  assert.equal(result.truncated, false)
  assert.ok(clock.now() - before >= 25)
  clock.after(60_000, () => seen.push('far'))
  const bounded = await clock.runUntilIdle({ maxMs: 20 })
  assert.equal(bounded.truncated, true)
  clock.dispose()
  assert.deepEqual(clock.pending(), [])
})
