// The real studio server (browser mode) in this process, on a fresh temporary workspace that holds
// the default hello-world plugin, as a first launch would create it.
import { cp, mkdtemp, rm } from 'node:fs/promises'
import { existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { RENDERER_DIR, startServer } from '../../main/server/server.ts'
import { ensureDefaultWorkspace } from '../../main/services/workspace/default-workspace.ts'
import { SAMPLE_EVENTS_DIR } from '../../main/compose.ts'

export interface RunningStudio {
  /** The page URL with its token. */
  url: string
  workspaceDir: string
  close(): Promise<void>
}

/**
 * `reuseWorkspace`: serve that existing workspace instead (a later launch on the same folder, as a
 * new port and so a new browser origin); it is left in place on close.
 */
export async function startStudio(options: { reuseWorkspace?: string } = {}): Promise<RunningStudio> {
  if (!existsSync(path.join(RENDERER_DIR, 'index.html'))) throw new Error(`The renderer is not built (${RENDERER_DIR}): run npm run build`)
  const root = await mkdtemp(path.join(tmpdir(), 'plugin-studio-e2e-'))
  const workspaceDir = options.reuseWorkspace ?? path.join(root, 'workspace')
  if (!options.reuseWorkspace) await ensureDefaultWorkspace(workspaceDir, SAMPLE_EVENTS_DIR)
  // A copy of the build, so a rebuild of out/renderer while the tests run cannot pull files away.
  const rendererDir = path.join(root, 'renderer')
  await cp(RENDERER_DIR, rendererDir, { recursive: true })
  const server = await startServer({ workspaceDir, rendererDir, port: 0 })
  return {
    url: server.url,
    workspaceDir,
    close: async () => {
      await server.close()
      await rm(root, { recursive: true, force: true })
    },
  }
}
