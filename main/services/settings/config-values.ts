// Config values per plugin per workspace. Non-secret values live in
// `<workspace>/.plugin-studio/config.json`; values of `secret: true` fields are never written to a
// workspace file (a workspace is often a git repository). Until the keychain-backed store lands
// (main/services/secrets), secrets are held in this process's memory for the session only: they are
// gone when the studio quits and must be entered again.
import path from 'node:path'
import { mkdir, readFile } from 'node:fs/promises'
import type { ConfigField } from '../../../common/plugin/plugin-json.ts'
import type { ConfigPatch, PluginConfigState } from '../../../common/protocol/studio.ts'
import { writeFileAtomic } from '../workspace/atomic-write.ts'
import { STUDIO_FOLDER } from './settings-store.ts'

export const CONFIG_FILE = `${STUDIO_FOLDER}/config.json`
const MAX_KEY_LENGTH = 200
const MAX_VALUE_BYTES = 1024 * 1024

type StoredConfig = { plugins: Record<string, Record<string, string>> }

export class ConfigValues {
  readonly file: string
  /** plugin id → key → secret value; this session only. */
  private readonly secrets = new Map<string, Map<string, string>>()

  constructor(workspaceDir: string) {
    this.file = path.join(workspaceDir, ...CONFIG_FILE.split('/'))
  }

  /** What the UI may see: non-secret values, and which secret keys are set. */
  async get(plugin: string, fields: ConfigField[]): Promise<PluginConfigState> {
    const secretKeys = secretKeysOf(fields)
    const stored = (await this.read()).plugins[plugin] ?? {}
    const values: Record<string, string> = {}
    for (const [key, value] of Object.entries(stored)) if (!secretKeys.has(key)) values[key] = value
    const secretsSet = [...(this.secrets.get(plugin)?.keys() ?? [])].filter((key) => secretKeys.has(key)).sort()
    return { plugin, values, secretsSet }
  }

  async set(plugin: string, patch: ConfigPatch, fields: ConfigField[]): Promise<PluginConfigState> {
    checkPatch(patch)
    const secretKeys = secretKeysOf(fields)
    const doc = await this.read()
    const stored = { ...(doc.plugins[plugin] ?? {}) }
    let secrets = this.secrets.get(plugin)
    for (const [key, value] of Object.entries(patch)) {
      if (secretKeys.has(key)) {
        delete stored[key] // a field that became secret leaves the file
        if (value === null) secrets?.delete(key)
        else {
          if (!secrets) this.secrets.set(plugin, (secrets = new Map()))
          secrets.set(key, value)
        }
      } else if (value === null) delete stored[key]
      else stored[key] = value
    }
    if (Object.keys(stored).length) doc.plugins[plugin] = stored
    else delete doc.plugins[plugin]
    await mkdir(path.dirname(this.file), { recursive: true })
    await writeFileAtomic(this.file, `${JSON.stringify(doc, null, 2)}\n`)
    return this.get(plugin, fields)
  }

  /** Every value, secrets included, for handing to the runtime. */
  async values(plugin: string, fields: ConfigField[]): Promise<Record<string, string>> {
    const secretKeys = secretKeysOf(fields)
    const stored = (await this.read()).plugins[plugin] ?? {}
    const values: Record<string, string> = {}
    for (const [key, value] of Object.entries(stored)) if (!secretKeys.has(key)) values[key] = value
    for (const [key, value] of this.secrets.get(plugin) ?? []) values[key] = value
    return values
  }

  private async read(): Promise<StoredConfig> {
    let text: string
    try {
      text = await readFile(this.file, 'utf8')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { plugins: {} }
      throw new Error(`${this.file}: cannot read: ${(error as Error).message}`, { cause: error })
    }
    let raw: unknown
    try {
      raw = JSON.parse(text)
    } catch (error) {
      throw new Error(`${this.file}: not valid JSON: ${(error as Error).message}`, { cause: error })
    }
    const plugins = (raw as StoredConfig | null)?.plugins
    if (!plugins || typeof plugins !== 'object' || Array.isArray(plugins)) throw new Error(`${this.file}: expected {"plugins": {"<plugin>": {"<key>": "<value>"}}}`)
    for (const [plugin, values] of Object.entries(plugins)) {
      if (!values || typeof values !== 'object' || Array.isArray(values)) throw new Error(`${this.file}: plugins["${plugin}"] must be an object of string values`)
      for (const [key, value] of Object.entries(values)) {
        if (typeof value !== 'string') throw new Error(`${this.file}: plugins["${plugin}"]["${key}"] must be a string (PostHog passes config values as strings)`)
      }
    }
    return { plugins: { ...plugins } }
  }
}

function secretKeysOf(fields: ConfigField[]): Set<string> {
  return new Set(fields.filter((field) => field.secret && field.key).map((field) => field.key as string))
}

function checkPatch(patch: ConfigPatch): void {
  if (!patch || typeof patch !== 'object' || Array.isArray(patch)) throw new Error('A config update must be an object of key → string or null')
  for (const [key, value] of Object.entries(patch)) {
    if (!key || key.length > MAX_KEY_LENGTH) throw new Error(`Config key ${JSON.stringify(key.slice(0, 50))} must be 1..${MAX_KEY_LENGTH} characters`)
    if (value !== null && typeof value !== 'string') throw new Error(`Config value for "${key}" must be a string or null (PostHog passes strings)`)
    if (typeof value === 'string' && Buffer.byteLength(value) > MAX_VALUE_BYTES) throw new Error(`Config value for "${key}" is over ${MAX_VALUE_BYTES} bytes`)
  }
}
