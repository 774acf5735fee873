// The publish dialog's backend in one object, for compose.ts to build and the studio protocol to
// serve: accounts (keychain), npm checks/preview/publish/bump, PostHog connect/publish. Outcomes
// are plain JSON; a failure carries its kind and the form field it concerns, because errors that
// cross the RPC keep only name and message. Tokens and config secrets never leave the backend.
import npmFetch from 'npm-registry-fetch'
import { mask, type SecretAccount } from '../secrets/secret-store.ts'
import type { AccountStatus, SecretsService, SecretsStatus } from '../secrets/secrets-service.ts'
import { NpmPublishError, npmPublishError } from './npm/npm-errors.ts'
import { bumpPackageVersion, prepareNpmPublish, publishToNpm, type NpmPrepared, type NpmPublishResult } from './npm/npm-publisher.ts'
import { normalizeRegistry, registryOptions } from './npm/registry.ts'
import type { BumpKind } from './npm/version-bump.ts'
import { normalizeHost } from './posthog/posthog-client.ts'
import { PostHogPublishError } from './posthog/posthog-errors.ts'
import { connectPostHog, publishToPostHog, type PostHogConnection, type PostHogPublishResult } from './posthog/posthog-publisher.ts'
import type { PublishDefaults, PublishTargets } from './publish-targets.ts'

export type PublishTarget = 'npm' | 'posthog'

export type PublishOutcome<T> = { ok: true; result: T } | { ok: false; failure: string; message: string; attr: string | null }

export interface PublishProgress {
  target: PublishTarget
  plugin: string
  step: string
}

export interface ResolvedPlugin {
  dir: string
  /** Config values, secrets included (they stay in the backend). */
  config: Record<string, string>
  /** Attachment field → absolute file path. */
  attachments: Record<string, string>
}

export interface PublishServiceDeps {
  secrets: SecretsService
  /** Plugin id (workspace-relative folder) → folder and config values, from the workspace and config services. */
  resolvePlugin(plugin: string): Promise<ResolvedPlugin>
  onProgress?(progress: PublishProgress): void
  /** Where each plugin was published last (target, registry, host, project; never a token). */
  targets?: PublishTargets
}

export interface SignedIn extends AccountStatus {
  /** The registry user or PostHog email the token belongs to. */
  user: string | null
}

export function createPublishService(deps: PublishServiceDeps) {
  const account = (target: PublishTarget, where: string): SecretAccount => ({ kind: target, target: target === 'npm' ? normalizeRegistry(where) : normalizeHost(where) })
  const progress = (target: PublishTarget, plugin: string) => (step: string) => deps.onProgress?.({ target, plugin, step })
  // Remembering is a convenience: a failure to write it never turns a publish into a failure.
  const remember = (plugin: string, defaults: PublishDefaults) => deps.targets?.remember(plugin, defaults).catch(() => undefined)

  return {
    secretsStatus(): Promise<SecretsStatus> {
      return deps.secrets.status()
    },
    /** The user's "yes" after reading SecretsStatus.message. */
    acceptSessionOnlySecrets(): Promise<void> {
      return deps.secrets.acceptSessionOnly()
    },
    publishAccount(target: PublishTarget, where: string): Promise<AccountStatus> {
      return deps.secrets.account(account(target, where))
    },
    /** Checks the token with the registry (whoami) or PostHog (@me) first; stores it only if it works. */
    async signIn(target: PublishTarget, where: string, token: string): Promise<PublishOutcome<SignedIn>> {
      return outcome(async () => {
        const acct = account(target, where)
        let user: string | null
        if (target === 'npm') {
          try {
            const who = await npmFetch.json('/-/whoami', registryOptions(acct.target, token))
            user = typeof who.username === 'string' ? who.username : null
          } catch (error) {
            const mapped = npmPublishError(error, { registry: acct.target, name: 'the token', version: '', token })
            throw new NpmPublishError(mapped.failure, mapped.message.replace(/ Nothing was published\.$/, ' The token was not saved.'))
          }
          // npmjs answers 401 to a bad token; Verdaccio answers 200 without a user.
          if (!user) throw new NpmPublishError('unauthorized', `${acct.target} did not recognise the token (it names no user): it is wrong, expired or revoked. The token was not saved.`)
        } else {
          const conn = await connectPostHog(acct.target, token)
          user = conn.organization.name
        }
        await deps.secrets.set(acct, token)
        const stored = await deps.secrets.account(acct)
        return { ...stored, masked: stored.masked || mask(token), user }
      })
    },
    signOut(target: PublishTarget, where: string): Promise<boolean> {
      return deps.secrets.signOut(account(target, where))
    },
    /** Where the plugin was published last, for the dialog to open there again. */
    async publishDefaults(plugin: string): Promise<PublishDefaults> {
      return (await deps.targets?.get(plugin).catch(() => ({}))) ?? {}
    },

    async npmPrepare(plugin: string, options: { registry?: string; bump?: BumpKind } = {}): Promise<PublishOutcome<NpmPrepared>> {
      return outcome(async () => {
        const { dir } = await deps.resolvePlugin(plugin)
        const registry = normalizeRegistry(options.registry)
        const token = await deps.secrets.get({ kind: 'npm', target: registry }).catch(() => null)
        return prepareNpmPublish(dir, { registry, token, bump: options.bump })
      })
    },
    async npmPublish(plugin: string, options: { registry?: string; bump?: BumpKind; dryRun?: boolean } = {}): Promise<PublishOutcome<NpmPublishResult>> {
      return outcome(async () => {
        const { dir } = await deps.resolvePlugin(plugin)
        const registry = normalizeRegistry(options.registry)
        const token = await deps.secrets.get({ kind: 'npm', target: registry })
        if (!token && !options.dryRun) throw new NpmPublishError('unauthorized', `Not signed in to ${registry}: add a token first. Nothing was published.`)
        const result = await publishToNpm(dir, { registry, token, bump: options.bump, dryRun: options.dryRun, onStep: progress('npm', plugin) })
        if (result.outcome === 'published') await remember(plugin, { target: 'npm', registry })
        return result
      })
    },
    /** The dialog's version buttons: package.json gets the new version now (atomically). */
    async npmBump(plugin: string, kind: BumpKind): Promise<PublishOutcome<{ version: string }>> {
      return outcome(async () => ({ version: bumpPackageVersion((await deps.resolvePlugin(plugin)).dir, kind) }))
    },

    async posthogConnect(host: string): Promise<PublishOutcome<PostHogConnection>> {
      return outcome(async () => {
        const acct = account('posthog', host)
        const key = await deps.secrets.get(acct)
        if (!key) throw new PostHogPublishError('unauthorized', `Not signed in to ${acct.target}: add a personal API key first.`)
        return connectPostHog(acct.target, key)
      })
    },
    async posthogPublish(plugin: string, options: { host: string; projectId?: number; enabled?: boolean }): Promise<PublishOutcome<PostHogPublishResult>> {
      return outcome(async () => {
        const acct = account('posthog', options.host)
        const key = await deps.secrets.get(acct)
        if (!key) throw new PostHogPublishError('unauthorized', `Not signed in to ${acct.target}: add a personal API key first. Nothing was changed on PostHog.`)
        const resolved = await deps.resolvePlugin(plugin)
        const result = await publishToPostHog({
          dir: resolved.dir,
          host: acct.target,
          apiKey: key,
          projectId: options.projectId,
          config: resolved.config,
          attachments: resolved.attachments,
          enabled: options.enabled ?? true,
          onStep: progress('posthog', plugin),
        })
        await remember(plugin, { target: 'posthog', host: result.host, projectId: result.projectId })
        return result
      })
    },
  }
}

export type PublishService = ReturnType<typeof createPublishService>

async function outcome<T>(work: () => Promise<T>): Promise<PublishOutcome<T>> {
  try {
    return { ok: true, result: await work() }
  } catch (error) {
    if (error instanceof NpmPublishError) return { ok: false, failure: error.failure, message: error.message, attr: null }
    if (error instanceof PostHogPublishError) return { ok: false, failure: error.failure, message: error.message, attr: error.attr }
    return { ok: false, failure: 'other', message: error instanceof Error ? error.message : String(error), attr: null }
  }
}
