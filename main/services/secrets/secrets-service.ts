// The one door to tokens for the rest of the backend: the keychain when there is one; otherwise
// nothing, until the user accepts a session-only store after being told plainly why.
// AccountStatus and SecretsStatus are the studio protocol's shapes, defined once in the contract.
import type { AccountStatus, SecretsStatus } from '../../../common/protocol/publish.ts'
import { KeychainSecretStore } from './keychain-store.ts'
import { SessionSecretStore } from './session-store.ts'
import { mask, secretFromEnvironment, type SecretAccount, type SecretStore } from './secret-store.ts'

export const NO_KEYCHAIN_MESSAGE =
  'No OS keychain is available on this computer (on Linux: no Secret Service such as gnome-keyring or KWallet is running and unlocked). ' +
  'Plugin Studio never writes tokens to a file. It can keep your token in memory for this session only: you will have to sign in again after restarting.'

export class NoSecretStoreError extends Error {
  override name = 'NoSecretStoreError'
  constructor() {
    super(NO_KEYCHAIN_MESSAGE)
  }
}

export type { AccountStatus, SecretsStatus }

export class SecretsService {
  readonly #keychain: SecretStore
  #session: SessionSecretStore | null = null
  #keychainAvailable: boolean | null = null

  constructor(keychain: SecretStore = new KeychainSecretStore()) {
    this.#keychain = keychain
  }

  async status(): Promise<SecretsStatus> {
    if (await this.#hasKeychain()) return { store: 'keychain', message: null }
    if (this.#session) return { store: 'session', message: 'Tokens are kept in memory for this session only.' }
    return { store: 'none', message: NO_KEYCHAIN_MESSAGE }
  }

  /** The user's "yes" to the session-only offer. Refused while a keychain works. */
  async acceptSessionOnly(): Promise<void> {
    if (await this.#hasKeychain()) return
    this.#session ??= new SessionSecretStore()
  }

  async get(account: SecretAccount): Promise<string | null> {
    const store = await this.#store(false)
    return store ? store.get(account) : null
  }

  /** get(), else the CI environment variable (NPM_TOKEN / POSTHOG_PERSONAL_API_KEY). */
  async getWithEnvironment(account: SecretAccount, env: NodeJS.ProcessEnv = process.env): Promise<string | null> {
    const fromEnv = secretFromEnvironment(account.kind, env)
    if (fromEnv) return fromEnv
    try {
      return await this.get(account)
    } catch {
      return null
    }
  }

  async set(account: SecretAccount, secret: string): Promise<void> {
    const store = await this.#store(true)
    await store!.set(account, secret)
  }

  async signOut(account: SecretAccount): Promise<boolean> {
    const store = await this.#store(false)
    return store ? store.delete(account) : false
  }

  async account(account: SecretAccount, env: NodeJS.ProcessEnv = {}): Promise<AccountStatus> {
    const store = await this.#store(false)
    const stored = store ? await store.get(account) : null
    if (stored) return { signedIn: true, masked: mask(stored), source: store!.kind }
    const fromEnv = secretFromEnvironment(account.kind, env)
    if (fromEnv) return { signedIn: true, masked: mask(fromEnv), source: 'environment' }
    return { signedIn: false, masked: '', source: null }
  }

  async #hasKeychain(): Promise<boolean> {
    // Asked once per process: the answer does not change while the app runs, and each probe
    // writes and deletes a throwaway keychain entry.
    this.#keychainAvailable ??= await this.#keychain.available()
    return this.#keychainAvailable
  }

  async #store(required: boolean): Promise<SecretStore | null> {
    if (await this.#hasKeychain()) return this.#keychain
    if (this.#session) return this.#session
    if (required) throw new NoSecretStoreError()
    return null
  }
}
