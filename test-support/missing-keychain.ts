// A keychain that is not there, as on Linux without a Secret Service: tests of the no-keychain paths.
import type { SecretStore } from '../main/services/secrets/secret-store.ts'

const unreachable = async (): Promise<never> => {
  throw new Error('unreachable: the keychain reported itself unavailable')
}

export const missingKeychain: SecretStore = { kind: 'keychain', available: async () => false, get: unreachable, set: unreachable, delete: unreachable }
