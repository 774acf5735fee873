// A real Verdaccio registry for tests, in this process: hermetic (no uplinks, so nothing reaches
// the internet), htpasswd auth, storage in a temp dir, no web UI, 127.0.0.1 on a free port.
// It stops itself after `lifetimeMs` so a crashed test cannot leave it running.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface TestRegistry {
  url: string
  /** Registers a user through the npm login API and returns its token. */
  addUser(name: string, password: string): Promise<string>
  /** Milliseconds from the call to the first answered ping. */
  startupMs: number
  stop(): Promise<void>
}

export async function startVerdaccio(options: { lifetimeMs?: number } = {}): Promise<TestRegistry> {
  const started = performance.now()
  const dir = mkdtempSync(join(tmpdir(), 'studio-verdaccio-'))
  const config = [
    `storage: ${join(dir, 'storage')}`,
    'auth:',
    '  htpasswd:',
    `    file: ${join(dir, 'htpasswd')}`,
    '    max_users: 100',
    'uplinks: {}',
    'packages:',
    // A scope nobody may publish to: the registry's real 403.
    "  '@studio-locked/*':",
    '    access: $all',
    '    publish: studio-nobody',
    "  '**':",
    '    access: $all',
    '    publish: $authenticated',
    'web:',
    '  enable: false',
    'log: { type: stdout, format: pretty, level: fatal }',
    '',
  ].join('\n')
  const configPath = join(dir, 'config.yaml')
  writeFileSync(configPath, config)
  const { runServer } = (await import('verdaccio')) as { runServer: (config: string) => Promise<Server> }
  const server = await runServer(configPath)
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const { port } = server.address() as AddressInfo
  const url = `http://127.0.0.1:${port}/`
  const ping = await fetch(`${url}-/ping`)
  if (!ping.ok) throw new Error(`Verdaccio did not answer its ping (${ping.status})`)
  const startupMs = performance.now() - started

  let stopped = false
  const stop = async () => {
    if (stopped) return
    stopped = true
    clearTimeout(timer)
    server.closeAllConnections?.()
    await new Promise<void>((resolve) => server.close(() => resolve()))
    rmSync(dir, { recursive: true, force: true })
  }
  const timer = setTimeout(() => void stop(), options.lifetimeMs ?? 120_000)
  timer.unref()

  return {
    url,
    startupMs,
    stop,
    async addUser(name, password) {
      const response = await fetch(`${url}-/user/org.couchdb.user:${encodeURIComponent(name)}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ _id: `org.couchdb.user:${name}`, name, password, type: 'user', roles: [], date: new Date().toISOString() }),
      })
      const body = (await response.json()) as { token?: string; error?: string }
      if (!response.ok || !body.token) throw new Error(`Verdaccio refused the user ${name}: ${response.status} ${body.error ?? ''}`)
      return body.token
    },
  }
}
