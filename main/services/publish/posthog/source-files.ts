// The files a source plugin gets through update_source. PostHog runs only `index.ts` as the
// backend of a source plugin (index.js is ignored, reference §4.2), and transpiles it with Babel's
// TypeScript preset, which accepts plain JavaScript: so a JavaScript entry is uploaded as index.ts.
import { existsSync, readFileSync } from 'node:fs'
import { extname, join } from 'node:path'
import { transformSync } from 'esbuild'
import { parsePluginJson, type PluginJson } from '../../../../common/plugin/plugin-json.ts'

/** Besides plugin.json and the backend, the files PostHog reads from a source plugin. */
const FRONTEND_FILES = ['frontend.tsx', 'site.ts']

export interface SourceUpload {
  plugin: PluginJson
  /** update_source body: filename → contents. */
  files: Record<string, string>
  /** The plugin folder's entry file that became index.ts. */
  entry: string
}

export function readSourceUpload(dir: string): SourceUpload {
  const jsonPath = join(dir, 'plugin.json')
  if (!existsSync(jsonPath)) throw new Error(`${jsonPath}: no plugin.json in the plugin folder`)
  const text = readFileSync(jsonPath, 'utf8')
  const parsed = parsePluginJson(text, jsonPath)
  if (!parsed.ok) throw new Error(parsed.problems.map((p) => `${p.file}: ${p.message}`).join('; '))
  if (!parsed.plugin.name) throw new Error(`${jsonPath}: "name" is missing; PostHog names the plugin after it`)
  // plugin.json `main` when it names a file, else index.js, else index.ts (as PostHog picks it).
  const candidates = parsed.plugin.main ? [parsed.plugin.main] : ['index.js', 'index.ts']
  const entry = candidates.find((f) => existsSync(join(dir, f)))
  if (!entry) throw new Error(`${dir}: no entry file: ${parsed.plugin.main ? `plugin.json "main" names ${parsed.plugin.main}, which does not exist` : 'no index.js or index.ts'}`)
  const code = readFileSync(join(dir, entry), 'utf8')
  if (extname(entry) !== '.ts') assertParsesAsTypeScript(join(dir, entry), code)
  const files: Record<string, string> = { 'plugin.json': text, 'index.ts': code }
  for (const name of FRONTEND_FILES) if (existsSync(join(dir, name))) files[name] = readFileSync(join(dir, name), 'utf8')
  return { plugin: parsed.plugin, files, entry }
}

/**
 * Almost all JavaScript is valid TypeScript, but not all (e.g. `<Type>value`-looking comparisons,
 * or a JSX file): find out before PostHog does, with the same kind of parser (esbuild's TS loader,
 * no type-checking — as Babel's TypeScript preset).
 */
function assertParsesAsTypeScript(file: string, code: string): void {
  try {
    transformSync(code, { loader: 'ts', sourcefile: file, logLevel: 'silent' })
  } catch (error) {
    const first = (error as { errors?: { text: string; location?: { line: number; column: number } | null }[] }).errors?.[0]
    const where = first?.location ? `:${first.location.line}:${first.location.column + 1}` : ''
    throw new Error(`${file}${where}: PostHog runs a source plugin's code as index.ts, and this JavaScript does not parse as TypeScript (${first?.text ?? String(error)}). Change that line so it is valid in both.`, { cause: error })
  }
}
