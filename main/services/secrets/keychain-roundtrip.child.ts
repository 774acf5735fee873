// Run by keychain-store.test.ts inside a D-Bus session with a real gnome-keyring: stores, reads,
// replaces and deletes tokens through the studio's stores and checks them with secret-tool.
// Prints one JSON line of observations; the test asserts on it.
import { execFileSync } from 'node:child_process'
import { KeychainSecretStore } from './keychain-store.ts'
import { accountName, type SecretAccount } from './secret-store.ts'
import { SecretsService } from './secrets-service.ts'

const service = process.argv[2]
const store = new KeychainSecretStore(service)
const npm: SecretAccount = { kind: 'npm', target: 'http://127.0.0.1:4873' }
const posthog: SecretAccount = { kind: 'posthog', target: 'https://posthog.example.com/' }
const lookup = (account: SecretAccount) => {
  try {
    return execFileSync('secret-tool', ['lookup', 'service', service, 'username', accountName(account)], { encoding: 'utf8' })
  } catch {
    return null
  }
}

const observations: Record<string, unknown> = {}
observations.available = await store.available()
observations.emptyRead = await store.get(npm)
await store.set(npm, 'npm_first_token_value_1234')
observations.afterSet = await store.get(npm)
observations.sameAccountOtherSpelling = await store.get({ kind: 'npm', target: 'http://127.0.0.1:4873/' })
observations.secretTool = lookup(npm)
await store.set(npm, 'npm_second_token_value_5678')
observations.afterReplace = await store.get(npm)
await store.set(posthog, 'phx_posthog_key_abcdef')
observations.otherAccount = await store.get(posthog)
observations.deleted = await store.delete(npm)
observations.afterDelete = await store.get(npm)
observations.deleteAgain = await store.delete(npm)
observations.secretToolAfterDelete = lookup(npm)

const secrets = new SecretsService(store)
observations.status = await secrets.status()
observations.account = await secrets.account(posthog)
observations.signOut = await secrets.signOut(posthog)
observations.accountAfterSignOut = await secrets.account(posthog)
process.stdout.write(`${JSON.stringify(observations)}\n`)
