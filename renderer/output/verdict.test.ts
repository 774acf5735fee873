import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { EventResult, StageResult } from '../../common/protocol/runtime.ts'
import { verdict } from './verdict.ts'

const input = { event: 'pageview', distinct_id: 'u1', team_id: 1, properties: { a: 1 } } as unknown as EventResult['input']
const stage = (method: StageResult['method'], error: string | null): StageResult => ({ plugin: 'hello', method, error, logs: [], durationMs: 1, ops: [] })
const result = (over: Partial<EventResult>): EventResult => ({ input, output: input, error: null, logs: [], droppedBy: null, stages: [], ...over })

test('an event every stage handled is "Processed"', () => {
  const output = { ...input, properties: { a: 2 } }
  assert.deepEqual(verdict(result({ output, stages: [stage('setupPlugin', null), stage('processEvent', null)] })), { text: 'Processed', tone: 'ok' })
})

test('a lazy setupPlugin that failed on the event says so, not "Processed"', () => {
  const failed = result({ stages: [stage('setupPlugin', 'Error: setup refuses the greeting "explode"')] })
  assert.deepEqual(verdict(failed), { text: 'Setup failed · event passed through', tone: 'error' })
})

test('errors and drops keep their verdicts', () => {
  assert.deepEqual(verdict(result({ error: 'TypeError: x', stages: [stage('processEvent', 'TypeError: x')] })), { text: 'Error · event passed on', tone: 'error' })
  assert.deepEqual(verdict(result({ output: null, droppedBy: 'hello', stages: [stage('processEvent', null)] })), { text: 'Dropped by hello', tone: 'warn' })
  // Another plugin dropped the event after one's setup failed: it was dropped, not passed through.
  assert.deepEqual(verdict(result({ output: null, droppedBy: 'other', stages: [stage('setupPlugin', 'Error: no')] })).text, 'Dropped by other')
})
