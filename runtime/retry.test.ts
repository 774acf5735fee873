import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { LogEntry } from '../common/plugin/event.ts'
import { createVirtualClock } from './clock.ts'
import type { PluginErrorRecord } from './plugin-error.ts'
import { createSetupRetrier, errorToString, getNextRetryMs, isRetryError, runRetriableFunction } from './retry.ts'

const plugin = { id: 'p1', name: 'flaky', configId: '3' }
const START = Date.UTC(2022, 7, 12)

class RetryError extends Error {
  constructor(message?: string) {
    super(message)
    this.name = 'RetryError'
  }
}

function sink() {
  const logs: LogEntry[] = []
  const errors: PluginErrorRecord[] = []
  return { logs, errors, sink: { log: (e: LogEntry) => logs.push(e), onError: (r: PluginErrorRecord) => errors.push(r) } }
}

test('back-off is base × multiplier^(attempt-1); RetryError and TimeoutError count as retriable', () => {
  assert.deepEqual([1, 2, 3, 4, 5].map((n) => getNextRetryMs(5000, 2, n)), [5000, 10_000, 20_000, 40_000, 80_000])
  assert.equal(isRetryError(new RetryError('x')), true)
  assert.equal(isRetryError({ name: 'TimeoutError', message: 't' }), true)
  assert.equal(isRetryError({ name: 'Error', message: 'x', isRetry: true }), true)
  assert.equal(isRetryError(new Error('x')), false)
  assert.equal(isRetryError('RetryError'), false)
  assert.equal(errorToString(Object.assign(new RetryError('down'), { _attempt: 2, _maxAttempts: 5 })), 'RetryError (attempt 2/5): down')
  assert.equal(errorToString(new RetryError()), 'RetryError')
  assert.equal(errorToString(new TypeError('bad')), 'TypeError: bad')
  assert.equal(errorToString('a string'), 'a string')
})

test('setupPlugin: RetryError twice then success retries after 5 s and 10 s with PostHog\'s log lines', async () => {
  const clock = createVirtualClock({ start: START })
  const { logs, sink: s } = sink()
  const attemptsAt: number[] = []
  const retrier = createSetupRetrier({
    clock,
    plugin,
    instanceId: 'inst-1',
    sink: s,
    runSetup: async () => {
      attemptsAt.push(clock.now() - START)
      if (attemptsAt.length <= 2) throw new RetryError('not yet')
    },
  })
  assert.equal(await retrier.setupPluginIfNeeded(), true) // PostHog: true while a retry is pending
  assert.equal(retrier.state(), 'retrying')
  assert.equal(retrier.nextRetryAt(), START + 5000)
  await clock.runUntilIdle()
  assert.deepEqual(attemptsAt, [0, 5000, 15_000])
  assert.equal(retrier.state(), 'ready')
  assert.equal(await retrier.settled(), 'ready')
  assert.deepEqual(
    logs.map((l) => [l.level, l.source, l.message, l.time - START]),
    [
      ['error', 'SYSTEM', 'setupPlugin failed with RetryError (attempt 1/5): not yet (instance ID inst-1). Retrying in 5 s...', 0],
      ['error', 'SYSTEM', 'setupPlugin failed with RetryError (attempt 2/5): not yet (instance ID inst-1). Retrying in 10 s...', 5000],
      ['debug', 'SYSTEM', 'setupPlugin succeeded (instance ID inst-1).', 15_000],
    ],
  )
})

test('setupPlugin: the 5th RetryError disables the app after 5, 10, 20, 40 s', async () => {
  const clock = createVirtualClock({ start: START })
  const { logs, errors, sink: s } = sink()
  const attemptsAt: number[] = []
  let disabled: unknown = null
  const retrier = createSetupRetrier({
    clock,
    plugin,
    instanceId: 'inst-1',
    sink: s,
    onDisabled: (e) => (disabled = e),
    runSetup: async () => {
      attemptsAt.push(clock.now() - START)
      throw new RetryError('never')
    },
  })
  await retrier.attempt()
  await clock.runUntilIdle()
  assert.deepEqual(attemptsAt, [0, 5000, 15_000, 35_000, 75_000])
  assert.equal(retrier.state(), 'errored')
  assert.equal(await retrier.setupPluginIfNeeded(), false)
  assert.ok(disabled)
  assert.equal(errors.length, 1)
  assert.equal(errors[0].name, 'RetryError')
  assert.deepEqual(logs.slice(-2).map((l) => [l.source, l.message.split('\n')[0]]), [
    ['PLUGIN', (errors[0].stack ?? '').split('\n')[0]],
    ['SYSTEM', 'setupPlugin failed with RetryError (attempt 5/5): never (instance ID inst-1). Disabled the app!'],
  ])
  assert.deepEqual(retrier.attempts().map((a) => a.outcome), ['retry', 'retry', 'retry', 'retry', 'fatal'])
})

test('setupPlugin: any other error disables the app at once', async () => {
  const clock = createVirtualClock({ start: START })
  const { logs, errors, sink: s } = sink()
  const retrier = createSetupRetrier({ clock, plugin, instanceId: 'i', sink: s, runSetup: async () => { throw new TypeError('config missing') } })
  assert.equal(await retrier.setupPluginIfNeeded(), false)
  assert.equal(errors[0].message, 'config missing')
  assert.equal(logs.at(-1)?.message, 'setupPlugin failed with TypeError: config missing (instance ID i). Disabled the app!')
  assert.deepEqual(clock.pending(), [])
})

test('onEvent: RetryError retried at 5, 10, 20, 40 s on the clock, _attempt set, the final failure through processError', async () => {
  const clock = createVirtualClock({ start: START })
  const { logs, errors, sink: s } = sink()
  const seen: { attempt: number; at: number }[] = []
  const thrown: RetryError[] = []
  const event = { event: '$pageview', uuid: 'u1' }
  const run = await runRetriableFunction({
    clock,
    plugin,
    sink: s,
    tag: 'onEvent',
    event,
    tryFn: async (attempt) => {
      seen.push({ attempt, at: clock.now() - START })
      const error = new RetryError('busy')
      thrown.push(error)
      throw error
    },
  })
  assert.equal(run.firstAttempt, 'retrying') // the caller is not held up by the retries
  assert.equal(seen.length, 1)
  await clock.runUntilIdle()
  const outcome = await run.done
  assert.deepEqual(seen.map((s) => s.at), [0, 5000, 15_000, 35_000, 75_000])
  assert.deepEqual(outcome.status, 'failed')
  assert.equal(outcome.attempts, 5)
  assert.deepEqual(thrown.map((e) => [(e as unknown as { _attempt: number })._attempt, (e as unknown as { _maxAttempts: number })._maxAttempts]), [[1, 5], [2, 5], [3, 5], [4, 5], [5, 5]])
  assert.equal(errors.length, 1)
  assert.deepEqual(errors[0].event, event)
  assert.deepEqual(
    logs.filter((l) => l.source === 'SYSTEM').map((l) => l.message),
    [
      'onEvent failed with RetryError (attempt 1/5): busy. Retrying in 5 s.',
      'onEvent failed with RetryError (attempt 2/5): busy. Retrying in 10 s.',
      'onEvent failed with RetryError (attempt 3/5): busy. Retrying in 20 s.',
      'onEvent failed with RetryError (attempt 4/5): busy. Retrying in 40 s.',
    ],
  )
  assert.equal(logs.filter((l) => l.source === 'PLUGIN').length, 1)
})

test('onEvent: success on a retry ends the loop; a plain error is not retried', async () => {
  const clock = createVirtualClock({ start: START })
  const { errors, sink: s } = sink()
  let n = 0
  const finals: number[] = []
  const run = await runRetriableFunction({
    clock,
    plugin,
    sink: s,
    tag: 'onEvent',
    tryFn: async () => {
      if (++n < 3) throw new RetryError('again')
    },
    finallyFn: (attempts) => void finals.push(attempts),
  })
  await clock.runUntilIdle()
  assert.deepEqual(await run.done, { status: 'succeeded', attempts: 3 })
  assert.deepEqual(finals, [3])
  assert.equal(clock.now() - START, 15_000)

  const plain = await runRetriableFunction({ clock, plugin, sink: s, tag: 'onSnapshot', tryFn: async () => { throw new Error('bug') } })
  assert.equal(plain.firstAttempt, 'failed')
  assert.equal((await plain.done).attempts, 1)
  assert.equal(errors.at(-1)?.message, 'bug')
  assert.deepEqual(clock.pending(), [])
})
