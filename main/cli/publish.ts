// `plugin-studio publish npm|posthog <plugin-dir>` (DESIGN.md §5). Tokens come from the
// NPM_TOKEN / POSTHOG_PERSONAL_API_KEY environment variables (CI) or the OS keychain, and are
// never printed: every line written goes through the masker.
import { existsSync, statSync } from 'node:fs'
import { resolve } from 'node:path'
import { NpmPublishError } from '../services/publish/npm/npm-errors.ts'
import { publishToNpm, type NpmPublishResult } from '../services/publish/npm/npm-publisher.ts'
import { normalizeRegistry } from '../services/publish/npm/registry.ts'
import { BUMP_KINDS, type BumpKind } from '../services/publish/npm/version-bump.ts'
import { normalizeHost } from '../services/publish/posthog/posthog-client.ts'
import { PostHogPublishError } from '../services/publish/posthog/posthog-errors.ts'
import { publishToPostHog } from '../services/publish/posthog/posthog-publisher.ts'
import { redact, type SecretKind } from '../services/secrets/secret-store.ts'
import { SecretsService } from '../services/secrets/secrets-service.ts'
import { EXIT, InputError, parseCommandArgs } from './cli-error.ts'
import { parseAssignment, readAttachment, readConfigFile } from './plugin-settings.ts'

export const PUBLISH_HELP = `Usage:
  plugin-studio publish npm <plugin-dir> [--registry URL] [--dry-run] [--bump patch|minor|major]
  plugin-studio publish posthog <plugin-dir> --host URL [--project ID] [options]

npm: checks the plugin (package.json or one generated from plugin.json, name, version not yet
published, plugin.json and the entry file in the package), shows the files and size of the
tarball, then publishes it. TypeScript entries are published as source: PostHog transpiles them.
  --registry URL           Registry (default https://registry.npmjs.org/).
  --dry-run                Check and pack only; nothing is sent.
  --bump patch|minor|major Publish the next version; package.json is updated after the publish.

posthog: installs or updates the plugin on a self-hosted PostHog as a source plugin (its entry
uploaded as index.ts) and configures it in the project.
  --host URL               The PostHog address, e.g. https://posthog.example.com (required).
  --project ID             Project (team) id; default: the key's current project.
  --config KEY=VALUE       A config value (repeatable); unset keys get their plugin.json default.
  --config-file FILE       Config values as a JSON object; --config wins.
  --attachment KEY=PATH    A file for an attachment field (repeatable).
  --disabled               Install it disabled (default: enabled).

Tokens: NPM_TOKEN / POSTHOG_PERSONAL_API_KEY when set, otherwise the OS keychain entry saved by
the studio's Publish dialog for that registry or host. Tokens are never printed.

Exit status: 0 published (or dry run passed), 1 publishing failed or a check failed, 2 bad input.
`

const OPTIONS = {
  registry: { type: 'string' },
  'dry-run': { type: 'boolean' },
  bump: { type: 'string' },
  host: { type: 'string' },
  project: { type: 'string' },
  config: { type: 'string', multiple: true },
  'config-file': { type: 'string' },
  attachment: { type: 'string', multiple: true },
  disabled: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const

export interface PublishIo {
  stdout: (text: string) => void
  stderr: (text: string) => void
  env: NodeJS.ProcessEnv
  secrets: SecretsService
}

export async function runPublish(argv: string[], io: Partial<PublishIo> = {}): Promise<number> {
  const out = io.stdout ?? ((text: string) => void process.stdout.write(text))
  const err = io.stderr ?? ((text: string) => void process.stderr.write(text))
  const env = io.env ?? process.env
  const { values, positionals } = parseCommandArgs('publish', argv, OPTIONS)
  if (values.help) {
    out(PUBLISH_HELP)
    return EXIT.ok
  }
  const [target, dirArg, ...extra] = positionals
  if (target !== 'npm' && target !== 'posthog') throw new InputError(`expected "npm" or "posthog" after publish${target ? `, got '${target}'` : ''} (see plugin-studio publish --help)`)
  if (!dirArg) throw new InputError(`publish ${target} needs a plugin folder (see plugin-studio publish --help)`)
  if (extra.length) throw new InputError(`unexpected argument '${extra[0]}' (one plugin folder per publish)`)
  const dir = resolve(dirArg)
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new InputError(`${dirArg}: no such plugin folder`)
  if (!existsSync(resolve(dir, 'plugin.json'))) throw new InputError(`${dirArg}: no plugin.json in this folder`)
  const wrong = target === 'npm' ? ['host', 'project', 'config', 'config-file', 'attachment', 'disabled'] : ['registry', 'dry-run', 'bump']
  const misplaced = wrong.find((flag) => values[flag as keyof typeof values] !== undefined)
  if (misplaced) throw new InputError(`--${misplaced} is not an option of publish ${target} (see plugin-studio publish --help)`)

  const secrets = io.secrets ?? new SecretsService()
  let token: string | null = null
  // Every line that leaves this command is masked, whatever produced it.
  const say = (text: string) => out(redact(text, [token]))
  const fail = (text: string) => {
    err(redact(`plugin-studio publish ${target}: ${text.replace(/\s+/g, ' ').trim()}\n`, [token]))
    return EXIT.failed
  }
  const lookup = async (kind: SecretKind, where: string) => (token = await secrets.getWithEnvironment({ kind, target: where }, env))

  if (target === 'npm') {
    if (values.bump !== undefined && !BUMP_KINDS.includes(values.bump as BumpKind)) throw new InputError(`--bump expects patch, minor or major, got '${values.bump}'`)
    let registry: string
    try {
      registry = normalizeRegistry(values.registry)
    } catch (error) {
      throw new InputError((error as Error).message)
    }
    await lookup('npm', registry)
    if (!token && !values['dry-run']) {
      return fail(`no token for ${registry}: sign in from the studio's Publish dialog (it keeps the token in the OS keychain) or set NPM_TOKEN. Nothing was published.`)
    }
    try {
      const result = await publishToNpm(dir, { registry, token, dryRun: values['dry-run'], bump: values.bump as BumpKind | undefined, onStep: (step) => void say(`… ${step}\n`) })
      printNpm(result, say)
      if (result.outcome === 'checks-failed') {
        const failed = result.checks.filter((c) => c.status === 'fail')
        return fail(`${failed.length} check${failed.length === 1 ? '' : 's'} failed, nothing was published: ${failed[0].message}`)
      }
      return EXIT.ok
    } catch (error) {
      if (error instanceof NpmPublishError) return fail(error.message)
      return fail(error instanceof Error ? error.message : String(error))
    }
  }

  if (!values.host) throw new InputError('publish posthog needs --host URL (the address you open PostHog at)')
  let host: string
  try {
    host = normalizeHost(values.host)
  } catch (error) {
    throw new InputError((error as Error).message)
  }
  if (values.project !== undefined && !/^\d+$/.test(values.project)) throw new InputError(`--project expects a project id (a number), got '${values.project}'`)
  const config = values['config-file'] ? readConfigFile(values['config-file'], 1)[0] : {}
  for (const text of values.config ?? []) {
    const { key, value } = parseAssignment('--config', text, 1)
    config[key] = value
  }
  const attachments = Object.fromEntries(
    (values.attachment ?? []).map((text) => {
      const { key, attachment } = readAttachment(text, 1)
      return [key, { fileName: attachment.file_name, contentType: attachment.content_type, bytes: Buffer.from(attachment.contentsBase64, 'base64') }]
    }),
  )
  await lookup('posthog', host)
  if (!token) return fail(`no personal API key for ${host}: sign in from the studio's Publish dialog (it keeps the key in the OS keychain) or set POSTHOG_PERSONAL_API_KEY. Nothing was changed on PostHog.`)
  try {
    const result = await publishToPostHog({
      dir,
      host,
      apiKey: token,
      projectId: values.project === undefined ? undefined : Number(values.project),
      config,
      attachments,
      enabled: !values.disabled,
      onStep: (step) => void say(`… ${step}\n`),
    })
    say(`${result.plugin.created ? 'Created' : 'Updated'} plugin "${result.plugin.name}" (#${result.plugin.id}); uploaded ${result.uploadedFiles.join(', ')}${result.entry !== 'index.ts' ? ` (${result.entry} as index.ts)` : ''}.\n`)
    say(`${result.pluginConfig.created ? 'Installed in' : 'Updated in'} project ${result.projectId}, ${result.pluginConfig.enabled ? 'enabled' : 'disabled'}, order ${result.pluginConfig.order}.\n`)
    say(`${result.pluginUrl}\n`)
    return EXIT.ok
  } catch (error) {
    if (error instanceof PostHogPublishError) return fail(error.message)
    return fail(error instanceof Error ? error.message : String(error))
  }
}

const MARK = { pass: '✓', warn: '!', fail: '✗' } as const

function printNpm(result: NpmPublishResult, say: (text: string) => void): void {
  for (const check of result.checks) say(`${MARK[check.status]} ${check.title}: ${check.message}\n`)
  if (result.preview) {
    const p = result.preview
    say(`\n${p.name}@${p.version}: ${p.files.length} files, tarball ${formatBytes(p.tarballBytes)}, unpacked ${formatBytes(p.unpackedBytes)}\n`)
    for (const file of p.files) say(`  ${formatBytes(file.size).padStart(9)}  ${file.path}\n`)
  }
  if (result.outcome === 'dry-run') say(`\nDry run: nothing was sent to ${result.registry}.\n`)
  if (result.outcome === 'published') {
    say(`\nPublished ${result.preview?.name}@${result.preview?.version} to ${result.registry}\n`)
    if (result.packageUrl) say(`${result.packageUrl}\n`)
    for (const file of result.wrote) say(`Saved ${file}\n`)
  }
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} kB`
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`
}
