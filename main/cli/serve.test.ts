// `plugin-studio serve`: prints the URL with its token, answers on it, stops on SIGTERM/SIGINT.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { REPO, runCli } from './spawn-cli.test-helper.ts'

const ENTRY = existsSync(join(REPO, 'bin', 'plugin-studio.js')) ? join(REPO, 'bin', 'plugin-studio.js') : join(REPO, 'main', 'cli.ts')

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  test(`serve prints a tokened URL on 127.0.0.1 and stops on ${signal}`, async () => {
    const workspace = mkdtempSync(join(tmpdir(), 'serve-ws-'))
    const child = spawn(process.execPath, [ENTRY, 'serve', workspace, '--port', '0'], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stderr.on('data', (chunk) => (stderr += chunk))
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no URL within 60 s; stdout: ${stdout}; stderr: ${stderr}`)), 60_000)
        child.stdout.on('data', (chunk) => {
          stdout += chunk
          const found = /Open (http:\/\/127\.0\.0\.1:\d+\/\S*token=\S+)/.exec(stdout)
          if (found) {
            clearTimeout(timer)
            resolve(found[1])
          }
        })
        child.once('exit', () => reject(new Error(`serve exited early: ${stderr}`)))
      })
      const response = await fetch(url)
      assert.ok(response.status < 500, `the server answers (${response.status})`)
      await response.arrayBuffer()
    } finally {
      child.kill(signal)
    }
    assert.equal(await exited, 0, stderr)
  })
}

test('serve refuses a workspace that does not exist and a bad port, in one line', async () => {
  const missing = await runCli(['serve', join(tmpdir(), 'no-such-workspace-dir')])
  assert.equal(missing.code, 2)
  assert.match(missing.stderr, /^plugin-studio serve: .*no-such-workspace-dir: no such workspace folder\n$/)
  const port = await runCli(['serve', '--port', 'eighty'])
  assert.equal(port.code, 2)
  assert.match(port.stderr, /^plugin-studio serve: --port expects a port number \(0–65535; 0 = a free one\), got 'eighty'\n$/)
})
