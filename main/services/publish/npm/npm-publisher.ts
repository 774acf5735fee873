// npm publishing: checks, a preview of the exact tarball, then libnpmpublish. The tarball is packed
// from a temporary copy of the plugin folder so that a dry run or a failed publish changes nothing
// on disk; package.json (generated or bumped) is written back only after the registry said yes.
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import pack from 'libnpmpack'
import libnpmpublish from 'libnpmpublish'
import { contentsCheck, manifestChecks, versionCheck, type PublishCheck } from './npm-checks.ts'
import { npmPublishError } from './npm-errors.ts'
import { generatePackageJson, readPackageJson, readPluginJson, resolveEntry, type PackageJson } from './package-manifest.ts'
import { NPMJS_REGISTRY, normalizeRegistry, publishedVersions, registryOptions } from './registry.ts'
import { listTarball, type TarballEntry } from './tarball-listing.ts'
import { bumpVersion, writeJsonAtomic, type BumpKind } from './version-bump.ts'

export interface NpmPreview {
  name: string
  version: string
  files: TarballEntry[]
  tarballBytes: number
  unpackedBytes: number
}

export interface NpmPrepared {
  registry: string
  checks: PublishCheck[]
  /** False when a check failed: publishing is refused. */
  ok: boolean
  preview: NpmPreview | null
  packageJson: PackageJson | null
  /** package.json did not exist and was generated from plugin.json. */
  generated: boolean
}

export interface NpmPrepareOptions {
  registry?: string
  /** Needed only for registries that hide packages from anonymous readers. */
  token?: string | null
  bump?: BumpKind
}

export interface NpmPublishOptions extends NpmPrepareOptions {
  dryRun?: boolean
  /** Progress for the UI; awaited, so a caller can hold a step (tests use it to stage races). */
  onStep?: (step: string) => void | Promise<void>
}

export interface NpmPublishResult extends NpmPrepared {
  outcome: 'published' | 'dry-run' | 'checks-failed'
  /** Where to see the package: the npm website for npmjs, the package document otherwise. */
  packageUrl: string | null
  /** Local files changed (package.json when it was generated or bumped). */
  wrote: string[]
}

interface Packed extends NpmPrepared {
  tarball: Buffer | null
}

/** Checks and preview only: nothing is sent and nothing on disk changes. */
export async function prepareNpmPublish(dir: string, options: NpmPrepareOptions = {}): Promise<NpmPrepared> {
  const { tarball: _tarball, ...prepared } = await packWithChecks(dir, options)
  return prepared
}

export async function publishToNpm(dir: string, options: NpmPublishOptions): Promise<NpmPublishResult> {
  const step = options.onStep ?? (() => {})
  await step('Checking the plugin and packing it')
  const packed = await packWithChecks(dir, options)
  const { tarball, ...prepared } = packed
  const name = String(packed.packageJson?.name ?? '')
  const version = String(packed.packageJson?.version ?? '')
  if (!packed.ok || !tarball || !packed.packageJson) return { ...prepared, outcome: 'checks-failed', packageUrl: null, wrote: [] }
  if (options.dryRun) {
    await step('Dry run: nothing was sent')
    return { ...prepared, outcome: 'dry-run', packageUrl: null, wrote: [] }
  }
  await step(`Publishing ${name}@${version} to ${packed.registry}`)
  const token = options.token ?? null
  try {
    await libnpmpublish.publish(packed.packageJson, tarball, { ...registryOptions(packed.registry, token), access: 'public', defaultTag: 'latest' })
  } catch (error) {
    throw npmPublishError(error, { registry: packed.registry, name, version, token })
  }
  const wrote: string[] = []
  if (packed.generated || options.bump) {
    await step('Saving package.json')
    const path = join(dir, 'package.json')
    writeJsonAtomic(path, packed.packageJson)
    wrote.push(path)
  }
  await step('Published')
  return { ...prepared, outcome: 'published', packageUrl: packageUrl(packed.registry, name, version), wrote }
}

/** The dialog's version buttons: writes the new version to package.json now, atomically. */
export function bumpPackageVersion(dir: string, kind: BumpKind): string {
  const pkg = readPackageJson(dir) ?? generatePackageJson(dir, readPluginJson(dir))
  const version = bumpVersion(String(pkg.version ?? ''), kind)
  writeJsonAtomic(join(dir, 'package.json'), { ...pkg, version })
  return version
}

export function packageUrl(registry: string, name: string, version: string): string {
  if (registry === NPMJS_REGISTRY) return `https://www.npmjs.com/package/${name}/v/${version}`
  return `${registry}${name.replace('/', '%2f')}`
}

async function packWithChecks(dir: string, options: NpmPrepareOptions): Promise<Packed> {
  const registry = normalizeRegistry(options.registry)
  const plugin = readPluginJson(dir)
  const existing = readPackageJson(dir)
  const generated = !existing
  const pkg: PackageJson = { ...(existing ?? generatePackageJson(dir, plugin)) }
  if (options.bump) pkg.version = bumpVersion(String(pkg.version ?? ''), options.bump)
  const entry = resolveEntry(dir, plugin)
  const checks = manifestChecks(dir, plugin, pkg, generated, entry)
  const blocked = () => checks.some((c) => c.status === 'fail')
  if (blocked()) return { registry, checks, ok: false, preview: null, packageJson: pkg, generated, tarball: null }

  const name = String(pkg.name)
  const version = String(pkg.version)
  const published = await publishedVersions(registry, name, options.token ?? null).catch((error: unknown) => {
    const code = (error as { code?: string }).code
    return new Error(code ?? (error instanceof Error ? error.message.split('\n')[0] : String(error)))
  })
  checks.push(versionCheck(name, version, registry, published))

  const staging = mkdtempSync(join(tmpdir(), 'studio-npm-pack-'))
  try {
    const copy = join(staging, 'package')
    cpSync(dir, copy, { recursive: true, filter: (source) => !['node_modules', '.git'].includes(basename(source)) })
    writeFileSync(join(copy, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`)
    // ignoreScripts: a publish from the studio never runs the package's lifecycle scripts.
    const tarball = await pack(copy, { ignoreScripts: true, cache: join(staging, 'cache') })
    const files = listTarball(tarball)
    checks.push(contentsCheck(files, entry))
    const preview: NpmPreview = { name, version, files, tarballBytes: tarball.length, unpackedBytes: files.reduce((sum, f) => sum + f.size, 0) }
    return { registry, checks, ok: !blocked(), preview, packageJson: pkg, generated, tarball }
  } finally {
    rmSync(staging, { recursive: true, force: true })
  }
}
