// The benchmark plugins as the in-process baselines run them: the entry file transpiled by esbuild
// to one CommonJS script (what the runtime and PostHog's Babel step also produce), and a meta like
// PostHog's: config with plugin.json defaults, attachments, global, and the in-memory cache.
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { transformSync } from 'esbuild'
import { defaultConfig, parsePluginJson } from '../common/plugin/plugin-json.ts'
import type { BenchPlugin } from './section.ts'
import { MemoryCache } from './memory-cache.ts'

export const PLUGINS_DIR = join(import.meta.dirname, 'plugins')

export function listBenchPlugins(): BenchPlugin[] {
  return readdirSync(PLUGINS_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => {
      const dir = join(PLUGINS_DIR, d.name)
      const parsed = parsePluginJson(readFileSync(join(dir, 'plugin.json'), 'utf8'))
      if (!parsed.ok) throw new Error(`${dir}/plugin.json: ${parsed.problems[0].message}`)
      return { id: d.name, dir, name: parsed.plugin.name, config: defaultConfig(parsed.plugin.config) }
    })
    .sort((a, b) => a.id.localeCompare(b.id))
}

/** The entry (main, else index.js, else index.ts) as one strict-mode CommonJS script. */
export function compileToCommonJs(plugin: BenchPlugin): string {
  const json = JSON.parse(readFileSync(join(plugin.dir, 'plugin.json'), 'utf8')) as { main?: string }
  const candidates = json.main ? [json.main] : ['index.js', 'index.ts']
  const entry = candidates.find((name) => {
    try {
      readFileSync(join(plugin.dir, name))
      return true
    } catch {
      return false
    }
  })
  if (!entry) throw new Error(`${plugin.dir}: no entry file`)
  const source = readFileSync(join(plugin.dir, entry), 'utf8')
  const { code } = transformSync(source, { loader: entry.endsWith('.ts') ? 'ts' : 'js', format: 'cjs', target: 'es2022', sourcefile: entry })
  return `"use strict";\n${code}`
}

export interface PluginMetaForBench {
  config: Record<string, string>
  attachments: Record<string, never>
  global: Record<string, unknown>
  cache: MemoryCache
}

export function createMeta(plugin: BenchPlugin): PluginMetaForBench {
  return { config: { ...plugin.config }, attachments: {}, global: {}, cache: new MemoryCache() }
}
