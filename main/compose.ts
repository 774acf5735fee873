// The one place that builds the backend's services. Every front door (main/electron, main/server,
// the CLI's `serve`) calls composeStudio and serves what it returns.
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { existsSync } from 'node:fs'
import type { OpenExternal } from './services/open-external.ts'
import { SecretsService } from './services/secrets/secrets-service.ts'
import { StudioService } from './services/studio-service.ts'
import { Workspace } from './services/workspace/workspace.ts'
import { defaultWorkspaceDir, ensureDefaultWorkspace } from './services/workspace/default-workspace.ts'

/** The app's root folder (holds package.json, sample-events/, runtime/). */
export const APP_ROOT = fileURLToPath(new URL('..', import.meta.url))
export const SAMPLE_EVENTS_DIR = path.join(APP_ROOT, 'sample-events')

export interface ComposeOptions {
  /** The folder to open; absent: the default workspace in the user's data folder (created on first use). */
  workspaceDir?: string
  /** The Node binary for the runtime process (the packaged app passes its bundled one). */
  nodePath?: string
  /** The desktop shell's link opener (Electron's shell.openExternal); browser mode has none. */
  openExternal?: OpenExternal
}

export async function composeStudio(options: ComposeOptions = {}): Promise<StudioService> {
  const samples = existsSync(SAMPLE_EVENTS_DIR) ? SAMPLE_EVENTS_DIR : null
  let workspace: Workspace
  if (options.workspaceDir) {
    workspace = await Workspace.open(options.workspaceDir)
  } else {
    const dir = defaultWorkspaceDir()
    await ensureDefaultWorkspace(dir)
    workspace = await Workspace.open(dir, { isDefault: true })
  }
  return new StudioService({
    workspace,
    sampleEventsDir: samples,
    // The keychain is asked on first use (publishing, secret config values), not at startup.
    secrets: new SecretsService(),
    openExternal: options.openExternal,
    // Loaded on the first run, not at startup: opening the studio should not wait for the runtime's code.
    startRunner: async (onCrash) => {
      const { Runner } = await import('./services/runner/runner.ts')
      return Runner.start({ nodePath: options.nodePath, onCrash })
    },
  })
}
