// `npm start [-- <workspace-dir>] [--browser] [--port P]`: builds what is out of date, then opens the
// desktop app. When Electron cannot start here (no binary and it cannot be downloaded, no display),
// says why in one line and starts browser mode instead: prints the URL (with its token) and opens it.
// Without a workspace folder, the default one in the user's data folder is used (made on first start).
import path from 'node:path'
import { spawn } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { buildIfNeeded } from './build.ts'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const ELECTRON_PACKAGE = path.join(ROOT, 'node_modules', 'electron')
/** An Electron that exits this fast with an error did not start (missing libraries, bad display). */
const EARLY_EXIT_MS = 4000

interface StartArgs {
  workspace?: string
  browser: boolean
  port?: number
}

function parseArgs(argv: string[]): StartArgs {
  const args: StartArgs = { browser: false }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    if (arg === '--browser') args.browser = true
    else if (arg === '--port') args.port = Number(argv[++i])
    else if (arg.startsWith('-')) throw new Error(`Unknown option ${arg} (npm start [-- <workspace-dir>] [--browser] [--port P])`)
    else if (!args.workspace) args.workspace = path.resolve(arg)
    else throw new Error(`One workspace folder only; got ${args.workspace} and ${arg}`)
  }
  if (args.port !== undefined && !(Number.isInteger(args.port) && args.port > 0 && args.port < 65536)) throw new Error('--port needs a port number')
  return args
}

type ElectronLookup = { path: string } | { reason: string } | { download: true }

/** The Electron binary; or that it needs downloading; or the reason there is none. */
function findElectron(): ElectronLookup {
  if (!existsSync(path.join(ELECTRON_PACKAGE, 'package.json'))) return { reason: 'the electron package is not installed' }
  const pathFile = path.join(ELECTRON_PACKAGE, 'path.txt')
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH
  const executable = () => (existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : 'electron')
  if (override) {
    const binary = path.join(override, executable())
    return existsSync(binary) ? { path: binary } : { reason: `ELECTRON_OVERRIDE_DIST_PATH has no ${executable()}` }
  }
  const installed = () => existsSync(pathFile) && existsSync(path.join(ELECTRON_PACKAGE, 'dist', executable()))
  if (installed()) return { path: path.join(ELECTRON_PACKAGE, 'dist', executable()) }
  // Electron ≥ 42 downloads its binary on first use; offline that fails within a second.
  return { download: true }
}

async function downloadElectron(): Promise<{ path: string } | { reason: string }> {
  const output = await new Promise<{ code: number | null; text: string }>((resolve) => {
    const child = spawn(process.execPath, [path.join(ELECTRON_PACKAGE, 'install.js')], { stdio: ['ignore', 'pipe', 'pipe'] })
    let text = ''
    child.stdout.on('data', (chunk) => (text += chunk))
    child.stderr.on('data', (chunk) => (text += chunk))
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000)
    child.on('exit', (code) => {
      clearTimeout(timer)
      resolve({ code, text })
    })
  })
  const found = findElectron()
  if ('path' in found) return found
  const why = output.text.trim().split('\n').filter(Boolean).pop() ?? `exit code ${output.code}`
  return { reason: `its binary could not be downloaded (${why.slice(0, 120)})` }
}

function hasDisplay(): boolean {
  if (process.platform !== 'linux') return true
  return Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY)
}

/** Runs Electron; resolves with its exit code, or with a reason when it died right away. */
function runElectron(binary: string, workspace: string | undefined): Promise<{ code: number } | { reason: string }> {
  return new Promise((resolve) => {
    const started = Date.now()
    const env = { ...process.env, ...(workspace ? { PLUGIN_STUDIO_WORKSPACE: workspace } : {}) }
    const child = spawn(binary, [ROOT], { stdio: ['ignore', 'inherit', 'pipe'], env })
    let stderr = ''
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-2000)
      process.stderr.write(chunk)
    })
    child.on('error', (error) => resolve({ reason: `it could not be run (${error.message})` }))
    child.on('exit', (code, signal) => {
      if (code !== 0 && Date.now() - started < EARLY_EXIT_MS) {
        const last = stderr.trim().split('\n').filter(Boolean).pop() ?? signal ?? `exit code ${code}`
        resolve({ reason: `it exited at once (${last.slice(0, 120)})` })
      } else resolve({ code: code ?? 1 })
    })
    const forward = (sig: NodeJS.Signals) => child.kill(sig)
    process.once('SIGINT', forward)
    process.once('SIGTERM', forward)
  })
}

function openInBrowser(url: string): void {
  const [command, args] =
    process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['cmd', ['/c', 'start', '""', url]] : ['xdg-open', [url]]
  try {
    const child = spawn(command, args as string[], { stdio: 'ignore', detached: true })
    child.on('error', () => {})
    child.unref()
  } catch {}
}

async function runBrowserMode(args: StartArgs): Promise<void> {
  const { startServer } = await import('../main/server/server.ts')
  const server = await startServer({ workspaceDir: args.workspace, port: args.port })
  console.log(`Plugin Studio (browser mode): ${server.url}`)
  openInBrowser(server.url)
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve)
    process.once('SIGTERM', resolve)
  })
  await server.close()
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2))
  await buildIfNeeded({ quiet: true })
  if (!args.browser) {
    let why: string
    if (!hasDisplay()) why = 'there is no display (DISPLAY/WAYLAND_DISPLAY is not set)'
    else {
      const lookup = findElectron()
      const electron = 'download' in lookup ? await downloadElectron() : lookup
      if ('path' in electron) {
        const outcome = await runElectron(electron.path, args.workspace)
        if ('code' in outcome) process.exit(outcome.code)
        why = outcome.reason
      } else why = electron.reason
    }
    console.log(`Electron cannot start here: ${why}; opening browser mode instead.`)
  }
  await runBrowserMode(args)
}

main().catch((error: Error) => {
  console.error(`npm start: ${error.message}`)
  process.exit(1)
})
