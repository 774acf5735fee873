// The `run --json` contract of DESIGN.md §5, through the real CLI and the real runtime process.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { event, plugin, runCli } from './spawn-cli.test-helper.ts'

const dir = mkdtempSync(join(tmpdir(), 'cli-json-'))
const LEVELS = new Set(['debug', 'log', 'info', 'warn', 'error'])

function eventsFile(name: string, events: unknown[], format: 'array' | 'lines' = 'array'): string {
  const file = join(dir, name)
  writeFileSync(file, format === 'array' ? JSON.stringify(events, null, 2) : events.map((e) => JSON.stringify(e)).join('\n') + '\n')
  return file
}

interface Log {
  level: string
  message: string
}
interface Report {
  setup: { plugin: string; error: string | null; logs: Log[] }[]
  results: { input: Record<string, unknown>; output: Record<string, unknown> | null; error: string | null; logs: Log[]; droppedBy: string | null; stages: unknown[] }[]
}

async function runJson(args: string[]): Promise<Report> {
  const run = await runCli(['run', ...args, '--json'])
  assert.equal(run.code, 0, `exit code; stderr: ${run.stderr}`)
  const lines = run.stdout.trimEnd().split('\n')
  assert.equal(lines.length, 1, 'exactly one JSON object on one line of stdout')
  return JSON.parse(lines[0]) as Report
}

function assertLogs(logs: unknown): void {
  assert.ok(Array.isArray(logs))
  for (const log of logs as Log[]) {
    assert.ok(LEVELS.has(log.level), `level ${log.level}`)
    assert.equal(typeof log.message, 'string')
  }
}

const props = (output: Record<string, unknown> | null) => (output as { properties: Record<string, unknown> }).properties

test('the contract: keys, types, one result per event in order, input as given', async () => {
  const inputs = [event('$pageview', { $browser: 'Chrome', b: 1, a: 2 }), event('signed up', { plan: 'free' }), event('$identify', undefined, { $set: { email: 'a@b.c' } })]
  const report = await runJson([plugin('config-echo'), '--events', eventsFile('three.json', inputs)])
  assert.ok(Array.isArray(report.setup) && report.setup.length === 1)
  const [setup] = report.setup
  assert.equal(setup.plugin, 'config-echo')
  assert.equal(setup.error, null)
  assertLogs(setup.logs)
  assert.equal(report.results.length, 3)
  report.results.forEach((result, i) => {
    assert.deepEqual(Object.keys(result).slice(0, 4), ['input', 'output', 'error', 'logs'])
    assert.equal(JSON.stringify(result.input), JSON.stringify(inputs[i]), 'input exactly as given, key order included')
    assert.equal(result.error, null)
    assert.equal(result.droppedBy, null)
    assertLogs(result.logs)
    assert.equal((result.output as { uuid: string }).uuid, inputs[i].uuid, 'uuid kept')
    assert.equal((result.output as { event: string }).event, inputs[i].event, 'in order')
  })
  const messages = report.results[0].logs.map((l) => `${l.level}:${l.message}`)
  for (const expected of ['debug:debug line', 'log:saw $pageview {"n":1} [1,2]', 'info:info line', 'error:error line']) {
    assert.ok(messages.includes(expected), `log "${expected}" in ${JSON.stringify(messages)}`)
  }
})

test('plugin.json defaults apply to unset keys; given values are strings and win', async () => {
  const file = eventsFile('one.json', [event('e', {})])
  const defaults = await runJson([plugin('config-echo'), '--events', file])
  assert.deepEqual(props(defaults.results[0].output).seen_config, { greeting: 'hello', mode: 'fast' })
  const given = await runJson([plugin('config-echo'), '--events', file, '--config', 'greeting=hi there', '--config', 'note=a=b', '--config', '1:mode=slow'])
  assert.deepEqual(props(given.results[0].output).seen_config, { greeting: 'hi there', mode: 'slow', note: 'a=b' })
})

test('N: picks the plugin of a pipeline; plugins run in the order given', async () => {
  const file = eventsFile('pipeline.json', [event('e', { x: 1 })])
  const report = await runJson([plugin('config-echo'), plugin('tag-ts'), '--events', file, '--config', '2:tag=second', '--config', 'greeting=first'])
  assert.deepEqual(report.setup.map((s) => s.plugin), ['config-echo', 'tag-ts'])
  const output = props(report.results[0].output)
  assert.equal(output.tag, 'second')
  assert.deepEqual(output.seen_config, { greeting: 'first', mode: 'fast' })
  assert.equal(output.property_count, 3, 'tag-ts ran after config-echo (x, seen_config, seen_attachment)')
})

test('--config-file: flat for plugin 1, or per plugin number; --config wins', async () => {
  const file = eventsFile('cf.json', [event('e', {})])
  const flat = join(dir, 'flat.json')
  writeFileSync(flat, JSON.stringify({ greeting: 'from file', note: 7 }))
  const a = await runJson([plugin('config-echo'), '--events', file, '--config-file', flat, '--config', 'note=flag'])
  assert.deepEqual(props(a.results[0].output).seen_config, { greeting: 'from file', mode: 'fast', note: 'flag' })
  const perPlugin = join(dir, 'per-plugin.json')
  writeFileSync(perPlugin, JSON.stringify({ '1': { greeting: 'one' }, '2': { tag: 'two' } }))
  const b = await runJson([plugin('config-echo'), plugin('tag-ts'), '--events', file, '--config-file', perPlugin])
  assert.equal(props(b.results[0].output).tag, 'two')
  assert.deepEqual(props(b.results[0].output).seen_config, { greeting: 'one', mode: 'fast' })
})

test('a dropped event has output null and names who dropped it; later events go on', async () => {
  const inputs = [event('$pageview', {}), event('$pageleave', {}), event('x', { drop: true }), event('y', {})]
  const report = await runJson([plugin('drop-filter'), plugin('tag-ts'), '--events', eventsFile('drops.json', inputs)])
  assert.deepEqual(
    report.results.map((r) => r.output === null),
    [false, true, true, false],
  )
  assert.equal(report.results[1].droppedBy, 'drop-filter')
  assert.equal(report.results[2].droppedBy, 'drop-filter')
  assert.equal(props(report.results[3].output).tag, 'tagged')
})

test('a throwing plugin: exit 0, the error recorded, the event passes on', async () => {
  const inputs = [event('boom', { a: 1 }), event('string boom', { a: 2 }), event('fine', { a: 3 })]
  const report = await runJson([plugin('thrower'), plugin('tag-ts'), '--events', eventsFile('throws.json', inputs)])
  assert.match(report.results[0].error ?? '', /boom went the plugin/)
  assert.match(report.results[1].error ?? '', /a thrown string/)
  assert.equal(report.results[2].error, null)
  assert.equal(props(report.results[0].output).tag, 'tagged', 'the next plugin still ran')
  assert.equal(props(report.results[0].output).thrower_saw, undefined)
  assert.equal(props(report.results[2].output).thrower_saw, true)
})

test('attachments reach the plugin as {content_type, file_name, contents: Buffer}', async () => {
  const lookup = join(dir, 'lookup.json')
  writeFileSync(lookup, '{"DE":"Germany"}')
  const report = await runJson([plugin('config-echo'), '--events', eventsFile('att.json', [event('e', {})]), '--attachment', `1:lookup=${lookup}`])
  assert.deepEqual(props(report.results[0].output).seen_attachment, { file_name: 'lookup.json', content_type: 'application/json', is_buffer: true, text: '{"DE":"Germany"}' })
})

test('one JSON event and JSON Lines are read as well', async () => {
  const single = join(dir, 'single.json')
  writeFileSync(single, JSON.stringify(event('solo', {}), null, 2))
  assert.equal((await runJson([plugin('tag-ts'), '--events', single])).results.length, 1)
  const lines = eventsFile('many.jsonl', [event('a', {}), event('b', {}), event('c')], 'lines')
  const report = await runJson([plugin('tag-ts'), '--events', lines])
  assert.deepEqual(report.results.map((r) => (r.output as { event: string }).event), ['a', 'b', 'c'])
})

test('events from standard input with --events -', async () => {
  const run = await runCli(['run', plugin('tag-ts'), '--events', '-', '--json'], { input: [event('a', {}), event('b', {})].map((e) => JSON.stringify(e)).join('\n') })
  assert.equal(run.code, 0, run.stderr)
  assert.equal((JSON.parse(run.stdout) as Report).results.length, 2)
})

test('--timeout-ms reaches the runtime: a plugin that loops forever is stopped, the run completes', async () => {
  const inputs = [event('spin', {}), event('calm', {})]
  const run = await runCli(['run', plugin('spinner'), '--events', eventsFile('spin.json', inputs), '--timeout-ms', '300', '--json'])
  assert.equal(run.code, 0, run.stderr)
  const report = JSON.parse(run.stdout) as Report
  assert.match(report.results[0].error ?? '', /time/i)
  assert.equal(report.results[0].output?.event, 'spin', 'the event went on')
  assert.equal(report.results[1].error, null)
  assert.equal(props(report.results[1].output).spun, false)
})

test('secret config values never reach stdout, in --json or in the human report', async () => {
  const file = eventsFile('secret.json', [event('e', {})])
  const secret = 'sk_live_7Hq2mVx9'
  const json = await runCli(['run', plugin('config-echo'), '--events', file, '--config', `apiToken=${secret}`, '--json'])
  assert.equal(json.code, 0, json.stderr)
  const logs = (JSON.parse(json.stdout) as Report).results[0].logs
  assert.ok(logs.some((l) => l.level === 'warn' && l.message.startsWith('token is ')), 'the plugin did log it')
  const human = await runCli(['run', plugin('config-echo'), '--events', file, '--config', `apiToken=${secret}`])
  assert.equal(human.code, 0, human.stderr)
  for (const run of [human]) assert.ok(!run.stdout.includes(secret) && !run.stderr.includes(secret), 'secret not printed')
  assert.ok(!logs.some((l) => l.message.includes(secret)), 'secret masked in --json logs')
})

test('the human report: diff, drops, logs, errors; no colour when not a terminal', async () => {
  const inputs = [event('$pageview', { $browser: 'Chrome', gone: 1 }), event('$pageleave', {}), event('boom', {})]
  const run = await runCli(['run', plugin('thrower'), plugin('drop-filter'), '--events', eventsFile('human.json', inputs)])
  assert.equal(run.code, 0, run.stderr)
  assert.ok(!run.stdout.includes('\u001b['), 'no ANSI escapes in a pipe')
  assert.match(run.stdout, /Event 1\/3 \$pageview/)
  assert.match(run.stdout, /\+ properties\.thrower_saw: true/)
  assert.match(run.stdout, /\+ properties\.passed_drop_filter: true/)
  assert.match(run.stdout, /dropped by drop-filter/)
  assert.match(run.stdout, /boom went the plugin/)
  assert.match(run.stdout, /3 events: /)
})
