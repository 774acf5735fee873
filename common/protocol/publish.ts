// The publish part of the studio contract: the methods of main/services/publish/publish-service.ts
// as the studio protocol serves them (common/protocol/studio.ts joins them in), and the JSON they
// return. Tokens go in (signIn) and never come back: accounts are shown masked.

export type PublishTarget = 'npm' | 'posthog'
export type BumpKind = 'patch' | 'minor' | 'major'

/** A failure carries its kind and the form field it concerns (errors crossing the RPC keep only name and message). */
export type PublishOutcome<T> = { ok: true; result: T } | { ok: false; failure: string; message: string; attr: string | null }

export interface SecretsStatus {
  /** 'none': there is no keychain and the user has not accepted a session-only store yet (show `message`). */
  store: 'keychain' | 'session' | 'none'
  message: string | null
}

export interface AccountStatus {
  signedIn: boolean
  /** The token masked for display; '' when signed out. */
  masked: string
  source: 'keychain' | 'session' | 'environment' | null
}

export interface SignedIn extends AccountStatus {
  /** The registry user or PostHog organisation the token belongs to. */
  user: string | null
}

export interface PublishCheck {
  id: string
  title: string
  status: 'pass' | 'warn' | 'fail'
  message: string
}

export interface NpmPreview {
  name: string
  version: string
  files: { path: string; size: number }[]
  tarballBytes: number
  unpackedBytes: number
}

export interface NpmPrepared {
  registry: string
  checks: PublishCheck[]
  ok: boolean
  preview: NpmPreview | null
  generated: boolean
}

export interface NpmPublishResult extends NpmPrepared {
  outcome: 'published' | 'dry-run' | 'checks-failed'
  packageUrl: string | null
  wrote: string[]
}

export interface PostHogConnection {
  host: string
  organization: { id: string; name: string; pluginsAccessLevel: number }
  projects: { id: number; name: string }[]
  currentProjectId: number | null
  canInstall: boolean
}

export interface PostHogPublishResult {
  host: string
  projectId: number
  plugin: { id: number; name: string; created: boolean }
  pluginConfig: { id: number; created: boolean; enabled: boolean; order: number }
  uploadedFiles: string[]
  entry: string
  pluginUrl: string
  changed: string[]
}

/** Where a plugin was published last (kept in the workspace; never a token). */
export interface PublishDefaults {
  target?: PublishTarget
  registry?: string
  host?: string
  projectId?: number
}

export const PUBLISH_METHODS = [
  'secretsStatus',
  'acceptSessionOnlySecrets',
  'publishAccount',
  'signIn',
  'signOut',
  'publishDefaults',
  'npmPrepare',
  'npmPublish',
  'npmBump',
  'posthogConnect',
  'posthogPublish',
] as const

export type PublishMethods = {
  /** Whether tokens can be kept (keychain), are kept for this session only, or need the user's consent. */
  secretsStatus(): Promise<SecretsStatus>
  /** The user's "yes" to keeping tokens in memory for this session (no keychain here). */
  acceptSessionOnlySecrets(): Promise<void>
  /** `where`: the npm registry URL or the PostHog host. */
  publishAccount(target: PublishTarget, where: string): Promise<AccountStatus>
  /** Checks the token with the registry / PostHog first; stores it only when it works. */
  signIn(target: PublishTarget, where: string, token: string): Promise<PublishOutcome<SignedIn>>
  signOut(target: PublishTarget, where: string): Promise<boolean>
  /** The target, registry, host and project of the plugin's last successful publish ({} if none). */
  publishDefaults(plugin: string): Promise<PublishDefaults>
  /** The checks and the tarball preview, without publishing. */
  npmPrepare(plugin: string, options?: { registry?: string; bump?: BumpKind }): Promise<PublishOutcome<NpmPrepared>>
  npmPublish(plugin: string, options?: { registry?: string; bump?: BumpKind; dryRun?: boolean }): Promise<PublishOutcome<NpmPublishResult>>
  /** Writes the bumped version to the plugin's package.json now. */
  npmBump(plugin: string, kind: BumpKind): Promise<PublishOutcome<{ version: string }>>
  posthogConnect(host: string): Promise<PublishOutcome<PostHogConnection>>
  posthogPublish(plugin: string, options: { host: string; projectId?: number; enabled?: boolean }): Promise<PublishOutcome<PostHogPublishResult>>
}

export type PublishEvents = {
  /** One step of a publish in progress, for the dialog's step list. */
  publishProgress: { target: PublishTarget; plugin: string; step: string }
}
