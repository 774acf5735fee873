// Bad input: exit 2 and exactly one line on stderr naming the file (or flag) and the problem.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { event, plugin, runCli } from './spawn-cli.test-helper.ts'

const dir = mkdtempSync(join(tmpdir(), 'cli-bad-input-'))
const good = join(dir, 'good.json')
writeFileSync(good, JSON.stringify([event('$pageview', { $browser: 'Chrome' })]))

async function expectBadInput(args: string[], pattern: RegExp): Promise<void> {
  const run = await runCli(args)
  assert.equal(run.code, 2, `exit code for ${args.join(' ')}; stderr: ${run.stderr}`)
  assert.equal(run.stdout, '', 'nothing on stdout')
  const lines = run.stderr.trimEnd().split('\n')
  assert.equal(lines.length, 1, `one line on stderr, got:\n${run.stderr}`)
  assert.match(lines[0], pattern)
}

test('a folder without plugin.json', async () => {
  await expectBadInput(['run', plugin('no-plugin-json'), '--events', good], /^plugin-studio run: .*no-plugin-json\/plugin\.json: not found/)
})

test('a plugin folder that does not exist', async () => {
  await expectBadInput(['run', join(dir, 'nowhere'), '--events', good], /^plugin-studio run: .*nowhere: no such plugin folder$/)
})

test('a malformed plugin.json names its line', async () => {
  await expectBadInput(['run', plugin('bad-plugin-json'), '--events', good], /^plugin-studio run: .*bad-plugin-json\/plugin\.json: (line \d+, column \d+: )?Not valid JSON/)
})

test('a malformed JSON event file names line and column', async () => {
  const file = join(dir, 'broken.json')
  writeFileSync(file, '[\n  {"event": "$pageview",\n   "distinct_id": }\n]\n')
  await expectBadInput(['run', plugin('thrower'), '--events', file], new RegExp(`^plugin-studio run: ${file}: line 3, column \\d+: not valid JSON: `))
})

test('a bad JSON Lines line is named by number', async () => {
  const file = join(dir, 'broken.jsonl')
  writeFileSync(file, [event('a'), event('b'), event('c')].map((e) => JSON.stringify(e)).join('\n') + '\n{"event": "d", nope\n')
  await expectBadInput(['run', plugin('thrower'), '--events', file], new RegExp(`^plugin-studio run: ${file}: line 4: not valid JSON`))
})

test('an event without a name', async () => {
  const file = join(dir, 'nameless.json')
  writeFileSync(file, JSON.stringify([event('a'), { distinct_id: 'x', properties: {} }]))
  await expectBadInput(['run', plugin('thrower'), '--events', file], /nameless\.json: event 2 of the array has no "event" name/)
})

test('a missing events file', async () => {
  await expectBadInput(['run', plugin('thrower'), '--events', join(dir, 'absent.json')], /absent\.json: no such file$/)
})

test('no --events', async () => {
  await expectBadInput(['run', plugin('thrower')], /--events <file> is required/)
})

test('an unknown flag', async () => {
  await expectBadInput(['run', plugin('thrower'), '--events', good, '--bogus'], /^plugin-studio run: unknown option --bogus \(see plugin-studio run --help\)$/)
})

test('a flag without its value', async () => {
  await expectBadInput(['run', plugin('thrower'), '--events'], /^plugin-studio run: --events needs a value/)
})

test('an unknown command', async () => {
  await expectBadInput(['frobnicate'], /^plugin-studio: unknown command 'frobnicate'/)
})

test('an unreadable attachment', async () => {
  await expectBadInput(['run', plugin('config-echo'), '--events', good, '--attachment', `lookup=${join(dir, 'nope.bin')}`], /nope\.bin: no such file \(--attachment lookup\)$/)
})

test('an N: that names no plugin', async () => {
  await expectBadInput(['run', plugin('config-echo'), '--events', good, '--config', '3:greeting=hi'], /--config '3:greeting=hi': there is no plugin 3 \(N is 1-based; only 1 plugin folder was given\)$/)
  await expectBadInput(['run', plugin('config-echo'), plugin('thrower'), '--events', good, '--attachment', `0:lookup=${good}`], /there is no plugin 0 \(N is 1-based; 2 plugin folders were given\)$/)
})

test('a --config without KEY=VALUE', async () => {
  await expectBadInput(['run', plugin('config-echo'), '--events', good, '--config', 'greeting'], /--config 'greeting': expected \[N:\]KEY=VALUE$/)
})

test('a config file that is not an object of strings', async () => {
  const file = join(dir, 'config.json')
  writeFileSync(file, JSON.stringify({ greeting: { nested: true } }))
  await expectBadInput(['run', plugin('config-echo'), '--events', good, '--config-file', file], /config\.json: config value "greeting" must be a string/)
})

test('bad numbers for limits', async () => {
  await expectBadInput(['run', plugin('thrower'), '--events', good, '--timeout-ms', 'soon'], /--timeout-ms expects a positive whole number, got 'soon'$/)
})
