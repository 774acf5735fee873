// The workspace a first launch opens: a folder in the user's data directory with a ready
// "hello world" plugin, so the first screen shows something working. The sample events are not
// copied in: the event list always shows them from the app's sample-events/ folder.
import path from 'node:path'
import os from 'node:os'
import { mkdir, rename, rm, stat } from 'node:fs/promises'
import { HELLO_WORLD_TEMPLATE, writeTemplate } from '../templates/templates.ts'

export const HELLO_WORLD_FOLDER = 'hello-world'

/** XDG_DATA_HOME (or ~/.local/share) on Linux, Application Support on macOS, %APPDATA% on Windows. */
export function defaultWorkspaceDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform, home = os.homedir()): string {
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'plugin-studio', 'workspace')
  if (platform === 'win32') return path.join(env.APPDATA || path.join(home, 'AppData', 'Roaming'), 'plugin-studio', 'workspace')
  const dataHome = env.XDG_DATA_HOME && path.isAbsolute(env.XDG_DATA_HOME) ? env.XDG_DATA_HOME : path.join(home, '.local', 'share')
  return path.join(dataHome, 'plugin-studio', 'workspace')
}

/**
 * Creates the default workspace when it does not exist yet; an existing one is left exactly as the
 * user left it (even with the hello-world plugin deleted). `_sampleEventsDir` is no longer used
 * (samples are listed from the app, not copied); it is accepted so existing callers keep working.
 */
export async function ensureDefaultWorkspace(dir: string, _sampleEventsDir?: string | null): Promise<{ created: boolean }> {
  if (await stat(dir).then(() => true, () => false)) return { created: false }
  const parent = path.dirname(dir)
  await mkdir(parent, { recursive: true })
  // Build it under a temporary name and rename, so an interrupted first launch is simply redone.
  const staging = path.join(parent, `.plugin-studio-tmp-workspace-${process.pid}-${Date.now()}`)
  await mkdir(staging)
  await writeTemplate(path.join(staging, HELLO_WORLD_FOLDER), {
    template: HELLO_WORLD_TEMPLATE,
    language: 'ts',
    name: 'Hello world',
    description: 'Adds a greeting to every event: a first PostHog plugin to run and change.',
  })
  try {
    await rename(staging, dir)
  } catch (error) {
    // Another launch won the race: use its workspace.
    await rm(staging, { recursive: true, force: true })
    if (!(await stat(dir).then(() => true, () => false))) throw error
    return { created: false }
  }
  return { created: true }
}
