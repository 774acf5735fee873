// Plugin source → one CommonJS script, as PostHog's Babel transform produced it: TypeScript stripped
// without type-checking (type-only and unused imports elided first), ESM/CJS/`export default`/
// `module.exports` all become CommonJS, strict mode, and every import outside PostHog's allow-list
// refused with PostHog's own words. The source map is kept so stack traces point at the user's lines.
import { build, transform } from 'esbuild'
import type { Message } from 'esbuild'
import { readFileSync, statSync } from 'node:fs'
import { basename, dirname, extname, relative, sep } from 'node:path'
import { ALLOWED_IMPORTS } from './sandbox/sandbox.constants.ts'

export interface CompiledPlugin {
  /** The script to run: line 1 is the wrapper, line 2 on is esbuild's output. */
  code: string
  /** Run the script with this lineOffset so its lines are esbuild's lines. */
  lineOffset: number
  /** esbuild's source map (v3 JSON) for the output lines. */
  map: SourceMapPayload
  /** The entry file, absolute. */
  file: string
}

export interface SourceMapPayload {
  version: number
  sources: string[]
  sourcesContent?: string[]
  mappings: string
  names: string[]
  file?: string
}

export class CompileError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'CompileError'
  }
}

const ALLOWED = new Set<string>(ALLOWED_IMPORTS)

/**
 * The header the plugin code runs under (PostHog's vm.run wrapper): `module` and `exports` as two
 * objects, the sandbox's `require`, strict mode for the whole script.
 */
const WRAPPER = '"use strict";const module = { exports: {} };let exports = {};const require = globalThis.__studioRequire;'
const FOOTER = '\n;__studioExportsHook(exports, module);\n'

function describe(file: string, message: Message): string {
  const where = message.location ? `${message.location.file === '<stdin>' ? file : file}:${message.location.line}:${message.location.column + 1}` : file
  return `${where}: ${message.text}`
}

/** Reloading an unchanged file (same size and mtime) reuses its compilation: cold start stays small. */
const cache = new Map<string, { key: string; compiled: CompiledPlugin }>()

/** Compiles the plugin's entry file (absolute path). Throws CompileError naming the file. */
export async function compilePlugin(file: string, pluginDir = dirname(file)): Promise<CompiledPlugin> {
  // Synchronous, as in plugin-folder.ts: small local files on the cold start's path.
  let key = ''
  try {
    const s = statSync(file)
    if (s.isFile()) key = `${pluginDir}|${s.size}|${s.mtimeMs}`
  } catch {}
  const hit = cache.get(file)
  if (key && hit?.key === key) return hit.compiled
  const compiled = await compileUncached(file, pluginDir, key !== '')
  if (key) cache.set(file, { key, compiled })
  return compiled
}

// PostHog's Babel ran with filename 'index.ts': TypeScript syntax is fine in .js too, JSX is not.
const LOADERS = { '.js': 'ts', '.mjs': 'ts', '.cjs': 'ts', '.ts': 'ts', '.mts': 'ts', '.cts': 'ts' } as const
/** The options `build` and `transform` share: the same output for the same single file. */
const OUTPUT = {
  format: 'cjs',
  platform: 'neutral',
  target: 'es2022',
  sourcemap: 'external',
  sourcesContent: true,
  logLevel: 'silent',
  // Babel ignored tsconfig files; a plugin's (or ours, with verbatimModuleSyntax) must not keep
  // type-only imports alive or change how the code compiles.
  tsconfigRaw: {},
  // Top-level functions nobody references are how "globals only" plugins export: keep everything.
  treeShaking: false,
  charset: 'utf8',
  legalComments: 'none',
} as const
/**
 * Words after which `transform` (no bundler) may not give `build`'s program: a module to reach
 * (import, require, or `export … from`, which becomes a require), or a top-level binding the bundler
 * turns into a `var` (a global property the "globals only" export style relies on), or `this`.
 */
const NEEDS_BUNDLER = /\b(?:import|require|from|const|let|class|using|this|enum|namespace)\b/

async function compileUncached(file: string, pluginDir: string, regularFile: boolean): Promise<CompiledPlugin> {
  const name = relative(pluginDir, file).split(sep).join('/')
  const loader = (LOADERS as Record<string, 'ts' | undefined>)[extname(file)]
  let source: string | undefined
  if (loader && regularFile) {
    try {
      source = readFileSync(file, 'utf8')
    } catch {}
  }
  if (source !== undefined && loader && !NEEDS_BUNDLER.test(source)) {
    const single = await transformSingleFile(file, source, loader)
    if (single) return single
  }
  let result
  try {
    result = await build({
      entryPoints: [file],
      absWorkingDir: dirname(file),
      bundle: true,
      write: false,
      ...OUTPUT,
      loader: LOADERS,
      outdir: dirname(file),
      plugins: [
        {
          name: 'posthog-imports',
          setup(b) {
            b.onResolve({ filter: /.*/ }, (args) => {
              if (args.kind === 'entry-point') return undefined
              if (ALLOWED.has(args.path)) return { path: args.path, external: true }
              return { errors: [{ text: `Cannot import '${args.path}'! This package is not provided by PostHog in plugins.` }] }
            })
          },
        },
      ],
    })
  } catch (error) {
    const failure = error as { errors?: Message[]; message?: string }
    if (failure.errors?.length) {
      const first = failure.errors[0]
      if (first.text.startsWith('Cannot import')) throw new CompileError(`/${name}: ${first.text}`)
      throw new CompileError(describe(file, first))
    }
    throw new CompileError(`${file}: ${failure.message ?? String(error)}`)
  }
  const js = result.outputFiles.find((f) => f.path.endsWith('.js'))
  const map = result.outputFiles.find((f) => f.path.endsWith('.map'))
  if (!js || !map) throw new CompileError(`${file}: esbuild produced no output`)
  return { code: `${WRAPPER}\n${js.text}${FOOTER}`, lineOffset: -1, map: JSON.parse(map.text) as SourceMapPayload, file }
}

/**
 * An entry that needs no bundler (see NEEDS_BUNDLER) compiles with `transform`: the same code and
 * source map in about half the time (cold start). A syntax error goes to `build`, for its messages.
 */
async function transformSingleFile(file: string, source: string, loader: 'ts'): Promise<CompiledPlugin | null> {
  let result
  try {
    result = await transform(source, { ...OUTPUT, loader, sourcefile: basename(file) })
  } catch {
    return null
  }
  if (/\brequire\b/.test(result.code)) return null
  return { code: `${WRAPPER}\n${result.code}${FOOTER}`, lineOffset: -1, map: JSON.parse(result.map) as SourceMapPayload, file }
}
