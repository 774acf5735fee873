// Tests that need a system part (Chromium, redis-server, a D-Bus session with gnome-keyring) ask
// here first. Missing on a developer machine: the test is skipped, loudly. Under CI=true: a failure.
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import type { TestContext } from 'node:test'

export type SystemPart = 'chromium' | 'redis-server' | 'gnome-keyring' | 'dbus'

const CHECKS: Record<SystemPart, () => boolean> = {
  chromium: () => existsSync(CHROMIUM_PATH),
  'redis-server': () => onPath('redis-server'),
  'gnome-keyring': () => onPath('gnome-keyring-daemon'),
  dbus: () => onPath('dbus-run-session') || onPath('dbus-daemon'),
}

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

function onPath(binary: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${binary}`], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

export function hasSystemPart(part: SystemPart): boolean {
  return CHECKS[part]()
}

/**
 * Returns true when the part is there. Otherwise skips the test with a loud message, or, under
 * CI=true, fails it: CI must have every part.
 */
export function requireSystemPart(t: TestContext, part: SystemPart): boolean {
  if (hasSystemPart(part)) return true
  const message = `${part} is not installed: this test needs it (.ci/run installs it with apt-get)`
  if (process.env.CI === 'true') throw new Error(message)
  process.stderr.write(`\n!!! SKIPPED: ${message}\n`)
  t.skip(message)
  return false
}
