// Runs a Node script inside its own D-Bus session with a real, unlocked gnome-keyring, the way
// .ci/run does: `dbus-run-session` + `gnome-keyring-daemon --unlock`. HOME is a temp folder, so the
// keyring files are throwaway and the developer's own keyring is never touched. Both daemons end
// with the session when the script exits.
import { spawn } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface KeyringRun {
  code: number | null
  stdout: string
  stderr: string
  home: string
}

// The throwaway keyring's password. An empty one is not enough: gnome-keyring then creates no
// default collection and every write fails with "no result found".
const KEYRING_PASSWORD = 'studio-test-keyring'

export function runInKeyringSession(script: string, options: { args?: string[]; input?: string; env?: NodeJS.ProcessEnv; home?: string; timeoutMs?: number } = {}): Promise<KeyringRun> {
  const home = options.home ?? mkdtempSync(join(tmpdir(), 'studio-keyring-home-'))
  return new Promise((resolve, reject) => {
    const child = spawn(
      'dbus-run-session',
      ['--', 'sh', '-c', 'printf %s "$STUDIO_KEYRING_PASSWORD" | gnome-keyring-daemon --unlock --components=secrets >/dev/null && exec "$STUDIO_NODE" "$@"', 'sh', script, ...(options.args ?? [])],
      {
        env: { PATH: process.env.PATH, LANG: 'C.UTF-8', ...options.env, HOME: home, XDG_DATA_HOME: join(home, '.local/share'), XDG_RUNTIME_DIR: home, STUDIO_KEYRING_PASSWORD: KEYRING_PASSWORD, STUDIO_NODE: process.execPath },
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    )
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    const timer = setTimeout(() => child.kill('SIGTERM'), options.timeoutMs ?? 60_000)
    child.on('error', reject)
    child.on('close', (code) => {
      clearTimeout(timer)
      // dbus-daemon's harmless "Failed to set fd limit" warning is noise in every run.
      resolve({ code, stdout, stderr: stderr.replace(/^.*Failed to set fd limit.*\n?/gm, ''), home })
    })
    child.stdin.end(options.input ?? '')
  })
}
