// `npm run build`: the renderer (Vite, renderer/vite.config.ts → out/renderer) and the desktop
// shell (esbuild: main/electron/main.ts + preload.ts → out/electron/*.cjs). Each part is skipped
// when its output is newer than every source it is built from, so `npm test` / `npm start` stay fast.
//   node scripts/build.ts [--force] [--renderer] [--electron]
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { globSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs'
import type { BuildOptions, Plugin } from 'esbuild'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const OUT = path.join(ROOT, 'out')
const RENDERER_STAMP = path.join(OUT, 'renderer', '.built')
const ELECTRON_STAMP = path.join(OUT, 'electron', '.built')

/** Newest modification time among files matching the patterns (relative to the repo). */
function newestSource(patterns: string[]): number {
  let newest = 0
  for (const pattern of patterns) {
    for (const file of globSync(pattern, { cwd: ROOT })) {
      if (file.includes('node_modules')) continue
      const mtime = statSync(path.join(ROOT, file)).mtimeMs
      if (mtime > newest) newest = mtime
    }
  }
  return newest
}

function builtAt(stamp: string): number {
  try {
    return statSync(stamp).mtimeMs
  } catch {
    return 0
  }
}

const RENDERER_SOURCES = ['renderer/**/*', 'common/**/*.ts', 'package-lock.json']
const ELECTRON_SOURCES = ['main/**/*.ts', 'common/**/*.ts', 'package-lock.json']

export function rendererIsFresh(): boolean {
  // A `vite build` run by hand leaves no stamp; its index.html (written at the end) tells its time.
  const built = builtAt(RENDERER_STAMP) || builtAt(path.join(OUT, 'renderer', 'index.html'))
  return built > newestSource(RENDERER_SOURCES)
}

export function electronIsFresh(): boolean {
  return builtAt(ELECTRON_STAMP) > newestSource(ELECTRON_SOURCES)
}

export async function buildRenderer(quiet = false): Promise<void> {
  const { build } = await import('vite')
  await build({ configFile: path.join(ROOT, 'renderer', 'vite.config.ts'), logLevel: quiet ? 'error' : 'warn' })
  writeFileSync(RENDERER_STAMP, `${new Date().toISOString()}\n`)
}

/**
 * Inside the bundle every module would share one import.meta.url. Each one instead gets the URL its
 * source file has in the installed app — under app.asar.unpacked when packaged, where runtime/,
 * common/, sample-events/ and the templates are unpacked (a plain Node process must read them).
 */
const moduleUrlPlugin: Plugin = {
  name: 'module-url',
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, (args) => {
      const relative = path.relative(ROOT, args.path).split(path.sep).join('/')
      if (relative.startsWith('..') || relative.startsWith('node_modules/')) return undefined
      const source = readFileSync(args.path, 'utf8')
      return { contents: source.replaceAll('import.meta.url', `__studioModuleUrl(${JSON.stringify(relative)})`), loader: 'ts' as const }
    })
  },
}

const MAIN_BANNER = [
  '"use strict";',
  'const __studioRoot = require("node:path").join(__dirname, "..", "..").replace(/app\\.asar$/, "app.asar.unpacked");',
  'function __studioModuleUrl(relative) { return require("node:url").pathToFileURL(require("node:path").join(__studioRoot, relative)).href; }',
].join('\n')

export async function buildElectron(): Promise<void> {
  const esbuild = await import('esbuild')
  const outdir = path.join(OUT, 'electron')
  mkdirSync(outdir, { recursive: true })
  const common: BuildOptions = { bundle: true, platform: 'node', format: 'cjs', target: 'node22', external: ['electron'], logLevel: 'warning', sourcemap: 'linked', legalComments: 'none', write: false }
  // Written whole (temp file + rename): a test or a running app may be reading the old bundle.
  const writeOutputs = (result: { outputFiles?: { path: string; contents: Uint8Array }[] }) => {
    for (const file of result.outputFiles ?? []) {
      const temp = `${file.path}.${process.pid}.tmp`
      writeFileSync(temp, file.contents)
      renameSync(temp, file.path)
    }
  }
  // npm packages stay in node_modules (shipped with the app): native ones (@napi-rs/keyring) cannot be
  // bundled, and npm's own libraries load parts of themselves dynamically.
  writeOutputs(await esbuild.build({ ...common, packages: 'external', entryPoints: [path.join(ROOT, 'main/electron/main.ts')], outfile: path.join(outdir, 'main.cjs'), banner: { js: MAIN_BANNER }, plugins: [moduleUrlPlugin] }))
  // The preload runs sandboxed: only 'electron' may be required there, everything else is bundled in.
  writeOutputs(await esbuild.build({ ...common, entryPoints: [path.join(ROOT, 'main/electron/preload.ts')], outfile: path.join(outdir, 'preload.cjs') }))
  writeFileSync(ELECTRON_STAMP, `${new Date().toISOString()}\n`)
}

/** Builds what is out of date (or everything with force). Returns the parts it built. */
export async function buildIfNeeded(options: { force?: boolean; renderer?: boolean; electron?: boolean; quiet?: boolean } = {}): Promise<string[]> {
  const parts = { renderer: options.renderer ?? true, electron: options.electron ?? true }
  const built: string[] = []
  if (parts.renderer && (options.force || !rendererIsFresh())) {
    await buildRenderer(options.quiet)
    built.push('renderer')
  }
  if (parts.electron && (options.force || !electronIsFresh())) {
    await buildElectron()
    built.push('electron')
  }
  return built
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const args = process.argv.slice(2)
  const only = args.includes('--renderer') || args.includes('--electron')
  const started = Date.now()
  try {
    const built = await buildIfNeeded({ force: args.includes('--force'), renderer: !only || args.includes('--renderer'), electron: !only || args.includes('--electron') })
    console.log(built.length ? `Built ${built.join(' and ')} in ${((Date.now() - started) / 1000).toFixed(1)} s` : 'Build is up to date')
  } catch (error) {
    console.error(`Build failed: ${(error as Error).message}`)
    process.exit(1)
  }
}
