// `npm run test:electron`: the Playwright `_electron` specs against a real Electron binary — from
// ELECTRON_OVERRIDE_DIST_PATH, or the one the electron package downloaded. Not part of `npm test`:
// the build machines cannot download Electron (reference/stack-notes.md §4).
import path from 'node:path'
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { buildIfNeeded } from './build.ts'

const ROOT = fileURLToPath(new URL('..', import.meta.url))

function electronBinary(): string | null {
  const pkg = path.join(ROOT, 'node_modules', 'electron')
  const pathFile = path.join(pkg, 'path.txt')
  const executable = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : process.platform === 'win32' ? 'electron.exe' : 'electron'
  const candidates = [process.env.ELECTRON_OVERRIDE_DIST_PATH && path.join(process.env.ELECTRON_OVERRIDE_DIST_PATH, executable), path.join(pkg, 'dist', executable)]
  return candidates.find((candidate): candidate is string => Boolean(candidate && existsSync(candidate))) ?? null
}

const binary = electronBinary()
if (!binary) {
  console.error('No Electron binary: set ELECTRON_OVERRIDE_DIST_PATH to an unpacked Electron 45 build, or run `npx install-electron` where its download works.')
  process.exit(1)
}
await buildIfNeeded()
// Linux without a display: run the specs under xvfb-run when it is there.
const needsX = process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY
const command = needsX ? 'xvfb-run' : process.execPath
const args = [...(needsX ? ['-a', process.execPath] : []), '--test', '--test-reporter=spec', '--test-timeout=180000', path.join(ROOT, 'scripts', 'electron-app.spec.ts')]
const result = spawnSync(command, args, { stdio: 'inherit', cwd: ROOT, env: { ...process.env, PLUGIN_STUDIO_ELECTRON: binary } })
if (result.error) console.error(`Cannot run ${command}: ${result.error.message}`)
process.exit(result.status ?? 1)
