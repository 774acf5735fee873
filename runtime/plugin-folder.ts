// Reads a plugin folder as PostHog's loadPlugin does: plugin.json (both config forms), the entry from
// `main`, else index.js, else index.ts, and the config PostHog would pass (strings, defaults filled in).
import { readFileSync, statSync } from 'node:fs'
import { join, resolve, sep } from 'node:path'
import { defaultConfig, parsePluginJson } from '../common/plugin/plugin-json.ts'
import type { PluginJson } from '../common/plugin/plugin-json.ts'

export interface PluginFolder {
  dir: string
  json: PluginJson
  /** Absolute path of the entry file. */
  entry: string
  /** Entry relative to the folder, with forward slashes (what logs and stacks show). */
  entryName: string
}

export class PluginFolderError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'PluginFolderError'
  }
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile()
  } catch {
    return false
  }
}

/**
 * Synchronous reads: a plugin folder is a few small local files, and each asynchronous call is a
 * thread-pool round trip (together about a tenth of a plugin's cold start). Only regular files are
 * read: a FIFO named plugin.json would block the runtime process.
 */
export async function readPluginFolder(dir: string): Promise<PluginFolder> {
  const folder = resolve(dir)
  const jsonPath = join(folder, 'plugin.json')
  let text: string
  try {
    if (!statSync(jsonPath).isFile()) throw new PluginFolderError(`${jsonPath}: plugin.json is not a file`)
    text = readFileSync(jsonPath, 'utf8')
  } catch (error) {
    if (error instanceof PluginFolderError) throw error
    const code = (error as NodeJS.ErrnoException).code
    throw new PluginFolderError(`${jsonPath}: ${code === 'ENOENT' ? 'no plugin.json in this folder' : (error as Error).message}`)
  }
  const parsed = parsePluginJson(text, jsonPath)
  if (!parsed.ok) {
    const p = parsed.problems[0]
    throw new PluginFolderError(`${p.file}${p.line ? `:${p.line}:${p.column ?? 1}` : ''}: ${p.message}`)
  }
  const candidates = parsed.plugin.main ? [parsed.plugin.main] : ['index.js', 'index.ts']
  for (const candidate of candidates) {
    const entry = resolve(folder, candidate)
    if (!entry.startsWith(folder + sep)) throw new PluginFolderError(`${jsonPath}: "main" (${candidate}) points outside the plugin folder ${folder}`)
    if (isFile(entry)) return { dir: folder, json: parsed.plugin, entry, entryName: candidate.replace(/^\.\//, '') }
  }
  throw new PluginFolderError(
    parsed.plugin.main
      ? `${jsonPath}: "main" names ${parsed.plugin.main}, which is not a file in ${folder}`
      : `${folder}: Could not load source code: no "main" in plugin.json and neither index.js nor index.ts exists`,
  )
}

/** The config PostHog passes: plugin.json defaults, then the given values (all strings). */
export function effectiveConfig(json: PluginJson, given: Record<string, string>): Record<string, string> {
  return { ...defaultConfig(json.config), ...given }
}
