// `--help` of the command and its subcommands, and the exit codes of asking for help.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { runCli } from './spawn-cli.test-helper.ts'

test('plugin-studio --help lists the commands', async () => {
  const run = await runCli(['--help'])
  assert.equal(run.code, 0)
  for (const command of ['run', 'serve', 'publish']) assert.match(run.stdout, new RegExp(`^  ${command} `, 'm'))
})

test('no command at all: help, and a non-zero exit', async () => {
  const run = await runCli([])
  assert.equal(run.code, 2)
  assert.match(run.stdout, /Usage: plugin-studio <command>/)
})

test('run --help documents every option, the config file forms and exit codes', async () => {
  const run = await runCli(['run', '--help'])
  assert.equal(run.code, 0)
  for (const option of ['--events', '--config [N:]KEY=VALUE', '--config-file', '--attachment [N:]KEY=PATH', '--timeout-ms', '--memory-mb', '--json', '--advance <duration>', '--realtime', '--allow-host', '--posthog-api', '--feed-captured']) assert.ok(run.stdout.includes(option), option)
  assert.match(run.stdout, /\{"1": \{"KEY": "value"\}, "2": \{\.\.\.\}\}/)
  assert.match(run.stdout, /default 30000/)
  assert.match(run.stdout, /Exit status: 0 /)
})

test('serve --help', async () => {
  const run = await runCli(['serve', '-h'])
  assert.equal(run.code, 0)
  assert.match(run.stdout, /Usage: plugin-studio serve \[<workspace-dir>\] \[--port P\]/)
})

test('publish --help is handed to the publisher', { skip: !existsSync(join(import.meta.dirname, 'publish.ts')) && 'main/cli/publish.ts is not there yet' }, async () => {
  const run = await runCli(['publish', '--help'])
  assert.equal(run.code, 0, run.stderr)
  assert.match(run.stdout, /npm/)
  assert.match(run.stdout, /posthog/)
})
