// The real studio server (browser mode) in this process, on a fresh temporary workspace that holds
// the default hello-world plugin, as a first launch would create it.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { startServer } from '../../main/server/server.ts'
import { ensureDefaultWorkspace } from '../../main/services/workspace/default-workspace.ts'
import { SAMPLE_EVENTS_DIR } from '../../main/compose.ts'

export interface RunningStudio {
  /** The page URL with its token. */
  url: string
  workspaceDir: string
  close(): Promise<void>
}

export async function startStudio(): Promise<RunningStudio> {
  const root = await mkdtemp(path.join(tmpdir(), 'plugin-studio-e2e-'))
  const workspaceDir = path.join(root, 'workspace')
  await ensureDefaultWorkspace(workspaceDir, SAMPLE_EVENTS_DIR)
  const server = await startServer({ workspaceDir, port: 0 })
  return {
    url: server.url,
    workspaceDir,
    close: async () => {
      await server.close()
      await rm(root, { recursive: true, force: true })
    },
  }
}
