// The files a source plugin gets through update_source. PostHog runs only `index.ts` as the
// backend of a source plugin (index.js is ignored, reference §4.2), and transpiles it with Babel's
// TypeScript preset, which accepts plain JavaScript: so a JavaScript entry is uploaded as index.ts.
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
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
  const entry = [parsed.plugin.main, 'index.js', 'index.ts'].find((f) => f && existsSync(join(dir, f)))
  if (!entry) throw new Error(`${dir}: no entry file (plugin.json "main", index.js or index.ts)`)
  const files: Record<string, string> = { 'plugin.json': text, 'index.ts': readFileSync(join(dir, entry), 'utf8') }
  for (const name of FRONTEND_FILES) if (existsSync(join(dir, name))) files[name] = readFileSync(join(dir, name), 'utf8')
  return { plugin: parsed.plugin, files, entry }
}
