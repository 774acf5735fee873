// Tokens kept in this process's memory only. Used when there is no keychain and the user said
// yes to "keep it for this session only"; everything is gone when the app quits.
import { accountName, type SecretAccount, type SecretStore } from './secret-store.ts'

export class SessionSecretStore implements SecretStore {
  readonly kind = 'session'
  readonly #secrets = new Map<string, string>()

  async available(): Promise<boolean> {
    return true
  }
  async get(account: SecretAccount): Promise<string | null> {
    return this.#secrets.get(accountName(account)) ?? null
  }
  async set(account: SecretAccount, secret: string): Promise<void> {
    this.#secrets.set(accountName(account), secret)
  }
  async delete(account: SecretAccount): Promise<boolean> {
    return this.#secrets.delete(accountName(account))
  }
}
