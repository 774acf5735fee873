// Runs the real `plugin-studio` command for the CLI tests: bin/plugin-studio.js when it exists,
// else main/cli.ts, with this Node (24, from node_modules/.bin).
import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'

export const REPO = join(import.meta.dirname, '..', '..')
export const FIXTURES = join(import.meta.dirname, 'fixtures')
const BIN = join(REPO, 'bin', 'plugin-studio.js')
const ENTRY = existsSync(BIN) ? BIN : join(REPO, 'main', 'cli.ts')

export interface CliRun {
  code: number
  stdout: string
  stderr: string
}

export function runCli(args: string[], options: { cwd?: string; input?: string; timeoutMs?: number } = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      [ENTRY, ...args],
      { cwd: options.cwd ?? REPO, timeout: options.timeoutMs ?? 90_000, maxBuffer: 64 * 1024 * 1024, env: plainEnv() },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0
        if (code === null) reject(new Error(`plugin-studio ${args.join(' ')} did not finish: ${error?.message}\n${stderr}`))
        else resolve({ code, stdout, stderr })
      },
    )
    if (options.input !== undefined) child.stdin?.end(options.input)
    else child.stdin?.end()
  })
}

/** Colour settings of the developer's shell must not leak into assertions on plain text. */
function plainEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env }
  delete env.FORCE_COLOR
  delete env.NO_COLOR
  return env
}

export const plugin = (name: string) => join(FIXTURES, name)

/** A minimal but complete event as the plugin-server gets it. */
export function event(name: string, properties?: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    uuid: `0193a1f2-7c4d-7e5f-8a6b-${String(Math.floor(Math.random() * 1e12)).padStart(12, '0')}`,
    event: name,
    distinct_id: 'user-1',
    ip: '81.2.69.160',
    site_url: 'https://app.example.com',
    team_id: 2,
    now: '2026-11-20T12:00:01.000Z',
    timestamp: '2026-11-20T12:00:00.000Z',
    ...(properties ? { properties } : {}),
    ...extra,
  }
}
