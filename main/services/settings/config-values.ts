// Config values per plugin per workspace, as the Configuration pane edits them and the runtime and
// publishing use them:
// - plain values and attachment descriptions: `.plugin-studio/config.json` (config-file.ts);
// - non-secret attachment files: `.plugin-studio/attachments/<plugin>/<key>/<file_name>` (attachment-files.ts);
// - secret values and secret attachments (plugin.json `secret: true`): the OS keychain through the
//   shared SecretsService (config-secrets.ts) — never a workspace file, never sent back to the UI.
// A save is checked whole before anything is written, then written secrets first (the part most
// likely to be refused), then files, then config.json. Saves are serialised.
import path from 'node:path'
import type { ConfigField } from '../../../common/plugin/plugin-json.ts'
import { SECRET_FIELD_VALUE, fieldLabel, missingRequiredFields, missingRequiredMessage, type AttachmentInfo, type MissingField } from '../../../common/plugin/rules.ts'
import type { AttachmentSpec } from '../../../common/protocol/runtime.ts'
import { MISSING_CONFIG_ERROR, type ConfigAttachmentUpload, type ConfigPatch, type PluginConfigState } from '../../../common/protocol/studio.ts'
import type { SecretsService } from '../secrets/secrets-service.ts'
import { AttachmentFiles, MAX_ATTACHMENT_BYTES, cleanFileName } from './attachment-files.ts'
import { CONFIG_FILE, emptyPluginConfig, readConfigFile, writeConfigFile } from './config-file.ts'
import { ConfigSecrets } from './config-secrets.ts'

export { CONFIG_FILE } from './config-file.ts'

const MAX_KEY_LENGTH = 200
const MAX_VALUE_BYTES = 1024 * 1024
const MAX_CONTENT_TYPE_LENGTH = 255
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/

export interface ConfigValuesOptions {
  workspaceDir: string
  secrets: SecretsService
  /** Reads a workspace file (workspace-relative path) for the earlier path form of attachment values. */
  readWorkspaceFile?(relative: string, maxBytes: number): Promise<Buffer>
}

/** What a plugin runs (or is published) with. */
export interface ResolvedConfig {
  /** Plain and secret values (no defaults applied: the runtime and PostHog apply them). */
  config: Record<string, string>
  attachments: Record<string, AttachmentSpec>
  /** Required fields without a value, defaults applied (empty: the plugin may run). */
  missing: MissingField[]
}

type Op =
  | { kind: 'plain'; key: string; value: string | null }
  | { kind: 'secret'; key: string; value: string | null }
  | { kind: 'attachment'; key: string; secret: boolean; upload: { spec: AttachmentSpec; bytes: Buffer } | null }

export class ConfigValues {
  readonly file: string
  readonly attachmentFiles: AttachmentFiles
  readonly secrets: ConfigSecrets
  readonly #service: SecretsService
  readonly #readWorkspaceFile: ConfigValuesOptions['readWorkspaceFile']
  #saving: Promise<unknown> = Promise.resolve()

  constructor(options: ConfigValuesOptions) {
    this.file = path.join(options.workspaceDir, ...CONFIG_FILE.split('/'))
    this.attachmentFiles = new AttachmentFiles(options.workspaceDir)
    this.secrets = new ConfigSecrets(options.secrets, options.workspaceDir)
    this.#service = options.secrets
    this.#readWorkspaceFile = options.readWorkspaceFile
  }

  /** What the UI may see: plain values, attachment descriptions, which secrets are stored, what is missing. */
  async get(plugin: string, fields: ConfigField[]): Promise<PluginConfigState> {
    const kinds = fieldKinds(fields)
    const entry = (await readConfigFile(this.file)).plugins[plugin] ?? emptyPluginConfig()
    const values = plainValues(entry.values, kinds)
    const attachments: Record<string, AttachmentInfo> = {}
    for (const [key, info] of Object.entries(entry.attachments)) if (kinds.attachments.has(key) && !kinds.secrets.has(key)) attachments[key] = { ...info }
    const savedSecrets: string[] = []
    for (const key of [...kinds.secrets].sort()) if (await this.secrets.has(plugin, key)) savedSecrets.push(key)
    return {
      plugin,
      values,
      savedSecrets,
      secretsSet: [...savedSecrets],
      attachments,
      missing: missingRequiredFields(fields, values, attachments, savedSecrets),
      secretStore: await this.#service.status(),
    }
  }

  /** Stores a patch (see ConfigPatch); nothing is stored when any part of it is refused. */
  set(plugin: string, patch: ConfigPatch, fields: ConfigField[]): Promise<PluginConfigState> {
    const work = async () => {
      const ops = await this.#plan(patch, fields)
      await this.#apply(plugin, ops, fields)
      return this.get(plugin, fields)
    }
    const next = this.#saving.then(work, work)
    this.#saving = next.catch(() => {})
    return next
  }

  /** Every value and attachment, secrets included, for the runtime. */
  async forRuntime(plugin: string, fields: ConfigField[]): Promise<ResolvedConfig> {
    const kinds = fieldKinds(fields)
    const entry = (await readConfigFile(this.file)).plugins[plugin] ?? emptyPluginConfig()
    const config = plainValues(entry.values, kinds)
    const attachments: Record<string, AttachmentSpec> = {}
    const infos: Record<string, AttachmentInfo> = {}
    for (const key of [...kinds.secrets].sort()) {
      if (kinds.attachments.has(key)) {
        const spec = await this.secrets.getAttachment(plugin, key)
        if (spec) attachments[key] = spec
      } else {
        const value = await this.secrets.get(plugin, key)
        if (value !== null) config[key] = value
      }
    }
    for (const key of kinds.attachments) {
      const info = entry.attachments[key]
      if (kinds.secrets.has(key) || !info) continue
      const bytes = await this.attachmentFiles.read(plugin, key, info.file_name)
      attachments[key] = { file_name: info.file_name, content_type: info.content_type, contentsBase64: bytes.toString('base64') }
    }
    for (const [key, spec] of Object.entries(attachments)) infos[key] = { file_name: spec.file_name, content_type: spec.content_type, size: Math.floor((spec.contentsBase64.length * 3) / 4) }
    return { config, attachments, missing: missingRequiredFields(fields, config, infos, []) }
  }

  /**
   * For publishing: values (secrets included) and the stored attachment files' absolute paths.
   * Secret attachments have no file (they live in the keychain) and are left out.
   */
  async forPublish(plugin: string, fields: ConfigField[]): Promise<{ config: Record<string, string>; attachments: Record<string, string> }> {
    const kinds = fieldKinds(fields)
    const entry = (await readConfigFile(this.file)).plugins[plugin] ?? emptyPluginConfig()
    const config = plainValues(entry.values, kinds)
    for (const key of kinds.secrets) {
      if (kinds.attachments.has(key)) continue
      const value = await this.secrets.get(plugin, key)
      if (value !== null) config[key] = value
    }
    const attachments: Record<string, string> = {}
    for (const key of kinds.attachments) {
      const info = entry.attachments[key]
      if (info && !kinds.secrets.has(key)) attachments[key] = this.attachmentFiles.fileOf(plugin, key, info.file_name)
    }
    return { config, attachments }
  }

  /** Checks the whole patch and turns it into operations; reads legacy attachment paths. */
  async #plan(patch: ConfigPatch, fields: ConfigField[]): Promise<Op[]> {
    if (!patch || typeof patch !== 'object' || Array.isArray(patch)) throw new Error('A config update must be an object of key → value (a string, an attachment, or null)')
    const kinds = fieldKinds(fields)
    const ops: Op[] = []
    for (const [key, value] of Object.entries(patch)) {
      if (!key || key.length > MAX_KEY_LENGTH) throw new Error(`Config key ${JSON.stringify(key.slice(0, 50))} must be 1..${MAX_KEY_LENGTH} characters`)
      const secret = kinds.secrets.has(key)
      const name = labelOf(fields, key)
      if (kinds.attachments.has(key)) {
        if (value === null || value === '') ops.push({ kind: 'attachment', key, secret, upload: null })
        else if (secret && value === SECRET_FIELD_VALUE) continue
        else ops.push({ kind: 'attachment', key, secret, upload: await this.#upload(name, value) })
        continue
      }
      if (value !== null && typeof value === 'object') throw new Error(`${name} is not an attachment field in plugin.json: it takes a string`)
      if (value !== null && typeof value !== 'string') throw new Error(`Config value for ${name} must be a string or null (PostHog passes strings)`)
      if (typeof value === 'string' && Buffer.byteLength(value) > MAX_VALUE_BYTES) throw new Error(`Config value for ${name} is over ${MAX_VALUE_BYTES} bytes`)
      if (secret) {
        if (value === SECRET_FIELD_VALUE) continue // PostHog's rule: the mask means "keep the stored value"
        ops.push({ kind: 'secret', key, value: value === '' ? null : value })
      } else ops.push({ kind: 'plain', key, value })
    }
    return ops
  }

  async #upload(name: string, value: string | ConfigAttachmentUpload): Promise<{ spec: AttachmentSpec; bytes: Buffer }> {
    if (typeof value === 'string') {
      if (!this.#readWorkspaceFile) throw new Error(`${name}: attach a file by its contents`)
      const bytes = await this.#readWorkspaceFile(value, MAX_ATTACHMENT_BYTES).catch((error: Error) => {
        throw new Error(`${name}: ${error.message}`, { cause: error })
      })
      const fileName = cleanFileName(path.posix.basename(value))
      return { spec: { file_name: fileName, content_type: contentTypeOf(fileName), contentsBase64: bytes.toString('base64') }, bytes }
    }
    if (!value || typeof value !== 'object' || Array.isArray(value)) throw new Error(`${name} takes an attachment {file_name, content_type, contentsBase64} or null`)
    const { file_name: rawName, content_type: rawType, contentsBase64 } = value
    if (typeof rawName !== 'string' || !rawName.trim()) throw new Error(`${name}: the attachment needs a file_name`)
    if (typeof contentsBase64 !== 'string' || !BASE64.test(contentsBase64) || contentsBase64.length % 4 !== 0) throw new Error(`${name}: the attachment's contentsBase64 is not base64`)
    if ((contentsBase64.length * 3) / 4 > MAX_ATTACHMENT_BYTES + 2) throw new Error(`${name}: the file is over ${MAX_ATTACHMENT_BYTES / 1024 / 1024} MB`)
    const fileName = cleanFileName(rawName)
    const contentType = typeof rawType === 'string' && rawType.trim() && rawType.length <= MAX_CONTENT_TYPE_LENGTH ? rawType.trim() : contentTypeOf(fileName)
    const bytes = Buffer.from(contentsBase64, 'base64')
    return { spec: { file_name: fileName, content_type: contentType, contentsBase64 }, bytes }
  }

  async #apply(plugin: string, ops: Op[], fields: ConfigField[]): Promise<void> {
    // 1. The keychain: refused here (no keychain, too large), nothing else has changed yet.
    for (const op of ops) {
      const name = labelOf(fields, op.key)
      if (op.kind === 'secret') {
        if (op.value === null) await this.secrets.delete(plugin, op.key)
        else await this.secrets.set(plugin, op.key, name, op.value)
      } else if (op.kind === 'attachment' && op.secret) {
        if (op.upload) await this.secrets.setAttachment(plugin, op.key, name, op.upload.spec, op.upload.bytes.length)
        else await this.secrets.delete(plugin, op.key)
      }
    }
    // 2. Attachment files, then config.json, which points at them.
    const doc = await readConfigFile(this.file)
    const entry = doc.plugins[plugin] ?? emptyPluginConfig()
    const removed: string[] = []
    for (const op of ops) {
      if (op.kind === 'plain') {
        if (op.value === null) delete entry.values[op.key]
        else entry.values[op.key] = op.value
      } else {
        // A field that became secret (or an attachment) leaves the file.
        delete entry.values[op.key]
        if (op.kind !== 'attachment') continue
        if (op.secret || !op.upload) {
          if (entry.attachments[op.key]) removed.push(op.key)
          delete entry.attachments[op.key]
          continue
        }
        const { spec, bytes } = op.upload
        await this.attachmentFiles.store(plugin, op.key, spec.file_name, bytes)
        entry.attachments[op.key] = { file_name: spec.file_name, content_type: spec.content_type, size: bytes.length }
      }
    }
    // Values stored before their field became secret (or an attachment) leave the file now.
    const kinds = fieldKinds(fields)
    for (const key of Object.keys(entry.values)) if (kinds.secrets.has(key) || kinds.attachments.has(key)) delete entry.values[key]
    doc.plugins[plugin] = entry
    await writeConfigFile(this.file, doc)
    for (const key of removed) await this.attachmentFiles.remove(plugin, key)
  }
}

function fieldKinds(fields: ConfigField[]): { secrets: Set<string>; attachments: Set<string> } {
  const keyed = fields.filter((f) => typeof f.key === 'string' && f.key)
  return {
    secrets: new Set(keyed.filter((f) => f.secret).map((f) => f.key as string)),
    attachments: new Set(keyed.filter((f) => f.type === 'attachment').map((f) => f.key as string)),
  }
}

/** Stored values the form and the runtime see as plain: not secret, not an attachment. */
function plainValues(stored: Record<string, string>, kinds: { secrets: Set<string>; attachments: Set<string> }): Record<string, string> {
  const values: Record<string, string> = {}
  for (const [key, value] of Object.entries(stored)) if (!kinds.secrets.has(key) && !kinds.attachments.has(key)) values[key] = value
  return values
}

function labelOf(fields: ConfigField[], key: string): string {
  const field = fields.find((f) => f.key === key)
  const label = field ? fieldLabel(field) : key
  return label === key ? `"${key}"` : `"${label}" (${key})`
}

const CONTENT_TYPES: Record<string, string> = {
  '.json': 'application/json',
  '.csv': 'text/csv',
  '.txt': 'text/plain',
  '.mmdb': 'application/octet-stream',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
}

export function contentTypeOf(file: string): string {
  return CONTENT_TYPES[path.posix.extname(file).toLowerCase()] ?? 'application/octet-stream'
}

/** A run or load refused because required values are missing; the message names the fields. */
export class MissingConfigError extends Error {
  override name = MISSING_CONFIG_ERROR
  readonly plugin: string
  readonly missing: MissingField[]
  constructor(plugin: string, pluginName: string, missing: MissingField[]) {
    super(`${missingRequiredMessage(missing, pluginName)}. Fill ${missing.length > 1 ? 'them' : 'it'} in the Configuration pane.`)
    this.plugin = plugin
    this.missing = missing
  }
}
