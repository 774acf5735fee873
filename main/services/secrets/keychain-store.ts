// The OS keychain through @napi-rs/keyring (macOS Keychain, Windows Credential Manager, the
// Secret Service on Linux: gnome-keyring, KWallet). One service name, one account per registry/host.
import { AsyncEntry } from '@napi-rs/keyring'
import { randomUUID } from 'node:crypto'
import { accountName, KEYCHAIN_SERVICE, type SecretAccount, type SecretStore } from './secret-store.ts'

/** The keychain answered with an error; the message names the operation, never the secret. */
export class KeychainError extends Error {
  override name = 'KeychainError'
}

export class KeychainSecretStore implements SecretStore {
  readonly kind = 'keychain'
  readonly #service: string

  constructor(service = KEYCHAIN_SERVICE) {
    this.#service = service
  }

  // Pinned to the Secret Service on Linux: the library's other Linux store (the kernel keyring)
  // forgets everything at logout, which users would read as "the keychain lost my token".
  #entry(account: string): AsyncEntry {
    return new AsyncEntry(this.#service, account, { linux: { store: 'secret-service' } })
  }

  /**
   * Writes, reads and deletes a throwaway entry: a locked keyring or one without a default
   * collection answers reads but refuses writes, so only a write proves the store usable.
   */
  async available(): Promise<boolean> {
    try {
      const entry = this.#entry(`availability-check:${randomUUID()}`)
      await entry.setPassword('check')
      const back = await entry.getPassword()
      await entry.deletePassword()
      return back === 'check'
    } catch {
      return false
    }
  }

  async get(account: SecretAccount): Promise<string | null> {
    const name = accountName(account)
    try {
      return await this.#entry(name).getPassword()
    } catch (error) {
      throw keychainError('read', name, error)
    }
  }

  async set(account: SecretAccount, secret: string): Promise<void> {
    if (!secret) throw new KeychainError('An empty token cannot be stored; use Sign out to remove one.')
    const name = accountName(account)
    try {
      await this.#entry(name).setPassword(secret)
    } catch (error) {
      throw keychainError('store', name, error)
    }
  }

  async delete(account: SecretAccount): Promise<boolean> {
    const name = accountName(account)
    try {
      return await this.#entry(name).deletePassword()
    } catch (error) {
      throw keychainError('delete', name, error)
    }
  }
}

function keychainError(operation: string, account: string, error: unknown): KeychainError {
  // The library's messages describe the platform store ("DBus error …"), never the password.
  const reason = error instanceof Error ? error.message : String(error)
  return new KeychainError(`The OS keychain could not ${operation} the token for ${account}: ${reason}`)
}
