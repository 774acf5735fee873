// package.json for a plugin: read it, or generate it from plugin.json the way PostHog plugins on
// npm look (main, files, the `posthog-plugin` keyword, a license).
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { builtinModules } from 'node:module'
import { parsePluginJson, type PluginJson } from '../../../../common/plugin/plugin-json.ts'

export type PackageJson = Record<string, unknown> & { name?: unknown; version?: unknown; main?: unknown; files?: unknown; keywords?: unknown }

export const POSTHOG_PLUGIN_KEYWORD = 'posthog-plugin'
/** Files PostHog or its users read besides the entry, packed when present. */
const EXTRA_FILES = ['frontend.tsx', 'site.ts', 'logo.png', 'README.md', 'LICENSE']

export function readPluginJson(dir: string): PluginJson {
  const path = join(dir, 'plugin.json')
  if (!existsSync(path)) throw new Error(`${path}: no plugin.json in the plugin folder`)
  const parsed = parsePluginJson(readFileSync(path, 'utf8'), path)
  if (!parsed.ok) throw new Error(parsed.problems.map((p) => `${p.file}: ${p.message}`).join('; '))
  return parsed.plugin
}

/**
 * The file PostHog runs: `main` from plugin.json when it names one (and nothing else then), else
 * index.js, else index.ts — PostHog's own order for archives (find_index_ts_in_archive) and local
 * plugins. package.json's `main` plays no part: PostHog never reads it.
 */
export function resolveEntry(dir: string, plugin: PluginJson): string | null {
  const candidates = plugin.main ? [plugin.main] : ['index.js', 'index.ts']
  const found = candidates.find((candidate) => existsSync(join(dir, candidate)))
  return found ? found.replace(/^\.\//, '') : null
}

export function readPackageJson(dir: string): PackageJson | null {
  const path = join(dir, 'package.json')
  if (!existsSync(path)) return null
  let parsed: unknown
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'))
  } catch (error) {
    throw new Error(`${path}: not valid JSON (${error instanceof Error ? error.message : String(error)})`, { cause: error })
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error(`${path}: must be a JSON object`)
  return parsed as PackageJson
}

/** "My Great Plugin" → "my-great-plugin": npm names are lowercase and URL-safe. */
export function packageNameFrom(pluginName: string): string {
  const slug = pluginName
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9._~-]+/g, '-')
    .replace(/^[-._]+|[-._]+$/g, '')
    .slice(0, 214)
  return slug || 'posthog-plugin'
}

export function generatePackageJson(dir: string, plugin: PluginJson): PackageJson {
  const entry = resolveEntry(dir, plugin) ?? (plugin.main ? plugin.main.replace(/^\.\//, '') : 'index.js')
  const version = typeof plugin.raw.version === 'string' && SEMVER.test(plugin.raw.version) ? plugin.raw.version : '0.1.0'
  const files = ['plugin.json', entry, ...EXTRA_FILES.filter((f) => f !== entry && existsSync(join(dir, f)))]
  const pkg: PackageJson = {
    name: packageNameFrom(plugin.name),
    version,
    description: plugin.description ?? '',
    main: entry,
    files,
    keywords: ['posthog', POSTHOG_PLUGIN_KEYWORD],
    license: 'MIT',
  }
  if (plugin.url) pkg.repository = plugin.url
  return pkg
}

export const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/

const BLOCKED_NAMES = new Set(['node_modules', 'favicon.ico', ...builtinModules])

/** npm's naming rules (as validate-npm-package-name applies them to new packages); null = valid. */
export function packageNameProblem(name: unknown): string | null {
  if (typeof name !== 'string' || !name) return 'the name is missing'
  if (name.length > 214) return 'the name is longer than 214 characters'
  if (name !== name.trim()) return 'the name has leading or trailing spaces'
  if (name.toLowerCase() !== name) return 'the name has capital letters (npm names are lowercase)'
  const scoped = /^@([^/]+)\/([^/]+)$/.exec(name)
  if (name.startsWith('@') && !scoped) return 'a scoped name must look like @scope/name'
  const bare = scoped ? scoped[2] : name
  for (const part of scoped ? [scoped[1], scoped[2]] : [name]) {
    if (/^[._]/.test(part)) return 'the name cannot start with a dot or an underscore'
    if (encodeURIComponent(part) !== part || /[~'!()*]/.test(part)) return 'the name has characters that are not URL-safe (use a-z, 0-9, "-", "." and "_")'
  }
  if (BLOCKED_NAMES.has(bare) && !scoped) return `"${name}" is reserved (a Node core module or a blocked name)`
  return null
}
