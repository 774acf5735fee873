// What the studio says about secret values, true to where they go: the OS keychain, memory for this
// session only, or nowhere yet (no keychain, session-only not accepted: saving a secret is refused).

/** Where saved secret values go: the OS keychain, memory for this session only, or nowhere (saving one is refused). */
export type SecretStorage = 'keychain' | 'session' | 'none'

/** The studio's note under a stored (masked) secret, true to where it is kept. */
export function storedSecretNote(storage: SecretStorage): string {
  if (storage === 'keychain') return 'Stored in the system keychain.'
  if (storage === 'session') return 'Kept in memory for this session only.'
  return 'Stored.'
}

/** The studio's note next to Save while typed secret values are not saved yet. */
export function unsavedSecretsNote(storage: SecretStorage): string {
  if (storage === 'keychain') return 'Secret values go to the system keychain when you save.'
  if (storage === 'session') return 'Secret values are kept in memory for this session only when you save.'
  return 'Saving a secret value needs a system keychain, or keeping secrets for this session only.'
}
