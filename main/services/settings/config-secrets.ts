// Secret config values (plugin.json `secret: true`) in the OS keychain through the shared
// SecretsService: one account per workspace, plugin and field (kind 'plugin-config'). A secret
// attachment is kept there too, as JSON with its bytes in base64. Without a keychain the secrets
// service's rule holds: nothing is kept until the user accepts a session-only store.
import type { AttachmentSpec } from '../../../common/protocol/runtime.ts'
import { NO_SECRET_STORE_ERROR } from '../../../common/protocol/studio.ts'
import { NoSecretStoreError, type SecretsService } from '../secrets/secrets-service.ts'
import type { SecretAccount } from '../secrets/secret-store.ts'

/**
 * The largest secret attachment accepted. Keychains are made for passwords: the Secret Service and
 * macOS take more, Windows' Credential Manager far less (its own error is then shown).
 */
export const MAX_SECRET_ATTACHMENT_BYTES = 48 * 1024

export const NO_KEYCHAIN_FOR_CONFIG_MESSAGE =
  'No OS keychain is available on this computer (on Linux: no Secret Service such as gnome-keyring or KWallet is running and unlocked), ' +
  'and Plugin Studio never writes secret values to a file. Accept keeping secrets in memory for this session only ' +
  '(they must be entered again after a restart), then save again.'

/** Saving a secret was refused because it has nowhere to go; `name` is NO_SECRET_STORE_ERROR. */
export class ConfigSecretStoreError extends Error {
  override name = NO_SECRET_STORE_ERROR
}

export class ConfigSecrets {
  readonly #secrets: SecretsService
  readonly #workspaceDir: string

  constructor(secrets: SecretsService, workspaceDir: string) {
    this.#secrets = secrets
    this.#workspaceDir = workspaceDir
  }

  /** `<workspace dir>/<plugin id>#<field key>`: distinct per workspace, plugin and field. */
  account(plugin: string, key: string): SecretAccount {
    return { kind: 'plugin-config', target: `${this.#workspaceDir}/${plugin}#${key}` }
  }

  async has(plugin: string, key: string): Promise<boolean> {
    return (await this.#secrets.get(this.account(plugin, key))) !== null
  }

  async get(plugin: string, key: string): Promise<string | null> {
    return this.#secrets.get(this.account(plugin, key))
  }

  async set(plugin: string, key: string, label: string, value: string): Promise<void> {
    try {
      await this.#secrets.set(this.account(plugin, key), value)
    } catch (error) {
      if (error instanceof NoSecretStoreError) throw new ConfigSecretStoreError(`Cannot save the secret field ${label}: ${NO_KEYCHAIN_FOR_CONFIG_MESSAGE}`)
      throw new Error(`Cannot save the secret field ${label}: ${(error as Error).message}`, { cause: error })
    }
  }

  async delete(plugin: string, key: string): Promise<void> {
    await this.#secrets.signOut(this.account(plugin, key))
  }

  async getAttachment(plugin: string, key: string): Promise<AttachmentSpec | null> {
    const text = await this.get(plugin, key)
    if (text === null) return null
    try {
      const spec = JSON.parse(text) as AttachmentSpec
      if (typeof spec.file_name === 'string' && typeof spec.content_type === 'string' && typeof spec.contentsBase64 === 'string') return spec
    } catch {}
    throw new Error(`${plugin}: the keychain entry of the secret attachment "${key}" is not an attachment; pick the file again`)
  }

  async setAttachment(plugin: string, key: string, label: string, spec: AttachmentSpec, size: number): Promise<void> {
    if (size > MAX_SECRET_ATTACHMENT_BYTES) {
      throw new Error(
        `The secret attachment ${label} is ${size} bytes: the OS keychain keeps at most ${MAX_SECRET_ATTACHMENT_BYTES} bytes per secret. ` +
          'Use a smaller file, or make the field non-secret in plugin.json (it is then stored under .plugin-studio/attachments/).',
      )
    }
    await this.set(plugin, key, label, JSON.stringify({ file_name: spec.file_name, content_type: spec.content_type, contentsBase64: spec.contentsBase64 }))
  }
}
