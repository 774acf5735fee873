// The Debugger's pure parts: stages of an event, the run filter, the run export, the event editor's checks.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { EventResult, StageResult } from '../../common/protocol/runtime.ts'
import type { PluginEvent } from '../../common/plugin/event.ts'
import { stageSteps, formatDuration } from './stages.ts'
import { filterRun, NO_FILTER } from './run-filter.ts'
import { runToJsonLines } from './run-export.ts'
import { checkEventText } from './event-json.ts'

const input = { event: '$pageview', distinct_id: 'u1', properties: { a: 1 } } as unknown as PluginEvent
const stage = (plugin: string, method: StageResult['method'], extra: Partial<StageResult> = {}): StageResult => ({ plugin, method, error: null, logs: [], durationMs: 1, ops: [], ...extra })

test('stages: input, each processEvent with the event before it, the final event, then onEvent', () => {
  const one = { ...input, properties: { a: 1, b: 2 } }
  const two = { ...one, properties: { ...one.properties, c: 3 } }
  const result: EventResult = { input, output: two, error: null, logs: [], droppedBy: null, stages: [stage('p1', 'processEvent', { output: one }), stage('p2', 'processEvent', { output: two }), stage('p1', 'onEvent')] }
  const steps = stageSteps(result)
  assert.deepEqual(steps.map((s) => s.kind), ['input', 'stage', 'stage', 'final', 'stage'])
  const second = steps[2]
  assert.ok(second.kind === 'stage')
  assert.equal(second.before, one)
  assert.equal(second.after, two)
})

test('stages: a dropped event stops at the plugin that dropped it; a throwing plugin passes it on', () => {
  const dropped: EventResult = { input, output: null, error: null, logs: [], droppedBy: 'p2', stages: [stage('p1', 'processEvent', { error: 'boom', output: undefined }), stage('p2', 'processEvent', { output: null })] }
  const steps = stageSteps(dropped)
  assert.deepEqual(steps.map((s) => s.kind), ['input', 'stage', 'stage', 'dropped'])
  assert.ok(steps[1].kind === 'stage' && steps[1].after === input && !steps[1].dropped)
  assert.ok(steps[2].kind === 'stage' && steps[2].dropped)
  assert.deepEqual(steps[3], { kind: 'dropped', by: 'p2' })
  assert.equal(formatDuration(0), '<0.01 ms')
  assert.equal(formatDuration(12.345), '12.3 ms')
})

test('filter: text in name, distinct_id, properties, logs and errors; level; errors; dropped', () => {
  const results: Record<number, EventResult> = {
    0: { input, output: input, error: null, logs: [{ level: 'info', message: 'hello there', source: 'CONSOLE', time: 0 }], droppedBy: null, stages: [] },
    3: { input: { ...input, event: 'bot', distinct_id: 'crawler' }, output: null, error: null, logs: [], droppedBy: 'p', stages: [] },
    7: { input: { ...input, properties: { plan: 'Enterprise' } }, output: input, error: 'boom', logs: [{ level: 'error', message: 'x', source: 'PLUGIN', time: 0 }], droppedBy: null, stages: [] },
  }
  assert.deepEqual(filterRun(results, NO_FILTER), [0, 3, 7])
  assert.deepEqual(filterRun(results, { ...NO_FILTER, text: 'CRAWL' }), [3])
  assert.deepEqual(filterRun(results, { ...NO_FILTER, text: 'enterprise' }), [7])
  assert.deepEqual(filterRun(results, { ...NO_FILTER, text: 'there' }), [0])
  assert.deepEqual(filterRun(results, { ...NO_FILTER, text: 'BOOM' }), [7], 'an error text finds its event')
  assert.deepEqual(filterRun(results, { ...NO_FILTER, level: 'error' }), [7])
  assert.deepEqual(filterRun(results, { ...NO_FILTER, errorsOnly: true }), [7])
  assert.deepEqual(filterRun(results, { ...NO_FILTER, droppedOnly: true }), [3])
  const lines = runToJsonLines(results, [3, 7]).trim().split('\n').map((l) => JSON.parse(l))
  assert.deepEqual(lines.map((l) => [l.index, l.droppedBy, l.error]), [[3, 'p', null], [7, null, 'boom']])
})

test('the event editor names JSON errors and shape problems by line', () => {
  const bad = checkEventText('{\n  "event": "a",\n  "properties": { "x": 1, }\n}')
  assert.ok(!bad.ok)
  assert.equal(bad.problems[0].line, 3)
  const noName = checkEventText('{\n  "distinct_id": "u"\n}')
  assert.ok(!noName.ok && /"event" name/.test(noName.problems[0].message))
  const badProps = checkEventText('{\n  "event": "a",\n  "properties": [1]\n}')
  assert.ok(!badProps.ok && badProps.problems[0].line === 3)
  assert.ok(checkEventText('{"event":"a","properties":{}}').ok)
})
