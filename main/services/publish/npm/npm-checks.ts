// The checks shown before an npm publish, each with its own message. A 'fail' blocks publishing;
// a 'warn' is shown but does not.
import { readFileSync } from 'node:fs'
import { extname, join } from 'node:path'
import type { PluginJson } from '../../../../common/plugin/plugin-json.ts'
import { packageNameProblem, POSTHOG_PLUGIN_KEYWORD, SEMVER, type PackageJson } from './package-manifest.ts'
import type { TarballEntry } from './tarball-listing.ts'

export interface PublishCheck {
  id: string
  title: string
  status: 'pass' | 'warn' | 'fail'
  message: string
}

const pass = (id: string, title: string, message: string): PublishCheck => ({ id, title, status: 'pass', message })
const warn = (id: string, title: string, message: string): PublishCheck => ({ id, title, status: 'warn', message })
const fail = (id: string, title: string, message: string): PublishCheck => ({ id, title, status: 'fail', message })

/** Checks of package.json and the plugin's entry, before packing. */
export function manifestChecks(dir: string, plugin: PluginJson, pkg: PackageJson, generated: boolean, entry: string | null): PublishCheck[] {
  const checks: PublishCheck[] = []
  checks.push(
    generated
      ? pass('package-json', 'package.json', 'No package.json yet: one is generated from plugin.json (name, version, main, files, the posthog-plugin keyword, license) and saved next to plugin.json when you publish.')
      : pass('package-json', 'package.json', 'package.json found.'),
  )
  const nameProblem = packageNameProblem(pkg.name)
  checks.push(nameProblem ? fail('name', 'Package name', `The package name ${JSON.stringify(pkg.name ?? '')} is not valid on npm: ${nameProblem}.`) : pass('name', 'Package name', `${String(pkg.name)} is a valid npm name.`))
  checks.push(
    typeof pkg.version === 'string' && SEMVER.test(pkg.version)
      ? pass('version', 'Version', `Version ${pkg.version}.`)
      : fail('version', 'Version', `The version ${JSON.stringify(pkg.version ?? '')} is not a semantic version like 1.2.3.`),
  )
  if (pkg.private === true) checks.push(fail('private', 'Private', 'package.json says "private": true, and npm refuses to publish private packages. Remove that line to publish.'))
  const keywords = Array.isArray(pkg.keywords) ? pkg.keywords : []
  checks.push(
    keywords.includes(POSTHOG_PLUGIN_KEYWORD)
      ? pass('keyword', 'Keyword', 'Has the posthog-plugin keyword.')
      : warn('keyword', 'Keyword', 'package.json has no "posthog-plugin" keyword: people searching npm for PostHog plugins will not find it. Add it to "keywords".'),
  )
  checks.push(typeof pkg.license === 'string' && pkg.license ? pass('license', 'License', `License ${pkg.license}.`) : warn('license', 'License', 'package.json names no license, so nobody may legally reuse the plugin. Add a "license" field (for example "MIT").'))
  checks.push(...entryChecks(dir, plugin, entry))
  return checks
}

function entryChecks(dir: string, plugin: PluginJson, entry: string | null): PublishCheck[] {
  if (!entry) {
    const wanted = plugin.main ? `"${plugin.main}" (plugin.json "main")` : 'index.js or index.ts'
    return [fail('entry', 'Entry file', `PostHog runs ${wanted}, and there is no such file in the plugin folder.`)]
  }
  const ext = extname(entry)
  if (ext !== '.js' && ext !== '.ts') {
    return [fail('entry', 'Entry file', `The entry ${entry} is a ${ext || 'file without extension'}: PostHog transpiles the entry as index.ts (TypeScript, no JSX), so it must be a .js or .ts file.`)]
  }
  const checks = [pass('entry', 'Entry file', `PostHog will run ${entry}.`)]
  if (ext === '.ts') {
    checks.push(pass('typescript', 'TypeScript', `${entry} is published as TypeScript source: PostHog extracts the entry from the package and transpiles it itself (Babel with the TypeScript preset), so no build step is needed.`))
  }
  const source = readFileSync(join(dir, entry), 'utf8')
  const relative = [...source.matchAll(/(?:\bfrom\s*|\brequire\s*\(\s*|\bimport\s*\(\s*|^\s*import\s+)['"](\.{1,2}\/[^'"]*)['"]/gm)].map((m) => m[1])
  if (relative.length) {
    checks.push(fail('single-file', 'Single file', `${entry} imports ${[...new Set(relative)].join(', ')}: PostHog loads only the entry file from the package, so relative imports will not resolve there. Put the code in ${entry}.`))
  }
  return checks
}

export function versionCheck(name: string, version: string, registry: string, published: string[] | Error): PublishCheck {
  if (published instanceof Error) {
    return warn('not-published', 'Version is new', `Could not ask ${registry} which versions of ${name} exist (${published.message}). Publishing will fail if the registry cannot be reached.`)
  }
  if (published.includes(version)) {
    return fail('not-published', 'Version is new', `Version ${version} of ${name} is already on ${registry}, and a published version cannot be replaced. Bump the version (patch, minor or major).`)
  }
  const latest = published.length ? ` (the registry has ${published.length} other version${published.length === 1 ? '' : 's'})` : ' (first publish of this package)'
  return pass('not-published', 'Version is new', `Version ${version} is not on the registry yet${latest}.`)
}

/** What the tarball will really contain: plugin.json and the entry must be in it. */
export function contentsCheck(files: TarballEntry[], entry: string | null): PublishCheck {
  const paths = new Set(files.map((f) => f.path))
  const missing = ['plugin.json', ...(entry ? [entry] : [])].filter((f) => !paths.has(f))
  if (missing.length) {
    return fail('contents', 'Package contents', `The package would not contain ${missing.join(' and ')}: PostHog needs both. Add ${missing.length > 1 ? 'them' : 'it'} to "files" in package.json (or remove it from .npmignore).`)
  }
  return pass('contents', 'Package contents', `The package contains plugin.json and ${entry}.`)
}
