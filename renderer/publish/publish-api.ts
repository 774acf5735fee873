// The publish service's answers as the renderer sees them (plain JSON over the studio protocol).
// Mirrored from main/services/publish (renderer/ may not import main/); keep the two in step.

export type PublishTarget = 'npm' | 'posthog'
export type BumpKind = 'patch' | 'minor' | 'major'
export type Outcome<T> = { ok: true; result: T } | { ok: false; failure: string; message: string; attr: string | null }

export interface SecretsStatus {
  store: 'keychain' | 'session' | 'none'
  message: string | null
}
export interface AccountStatus {
  signedIn: boolean
  masked: string
  source: 'keychain' | 'session' | 'environment' | null
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

export interface PublishApi {
  secretsStatus(): Promise<SecretsStatus>
  acceptSessionOnlySecrets(): Promise<void>
  publishAccount(target: PublishTarget, where: string): Promise<AccountStatus>
  signIn(target: PublishTarget, where: string, token: string): Promise<Outcome<AccountStatus & { user: string | null }>>
  signOut(target: PublishTarget, where: string): Promise<boolean>
  /** Where the plugin was published last (kept in the workspace; never a token). */
  publishDefaults(plugin: string): Promise<{ target?: PublishTarget; registry?: string; host?: string; projectId?: number }>
  npmPrepare(plugin: string, options: { registry?: string; bump?: BumpKind }): Promise<Outcome<NpmPrepared>>
  npmPublish(plugin: string, options: { registry?: string; bump?: BumpKind; dryRun?: boolean }): Promise<Outcome<NpmPublishResult>>
  posthogConnect(host: string): Promise<Outcome<PostHogConnection>>
  posthogPublish(plugin: string, options: { host: string; projectId?: number; enabled?: boolean }): Promise<Outcome<PostHogPublishResult>>
}

