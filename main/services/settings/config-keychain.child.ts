// Run by config-values.test.ts inside a D-Bus session with a real gnome-keyring: saves secret
// config values through ConfigValues and the real keychain, checks them with secret-tool and a
// scan of the workspace files, then reads them from a fresh service (a new session).
// Prints one JSON line of observations; the test asserts on it.
import { execFileSync } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import type { ConfigField } from '../../../common/plugin/plugin-json.ts'
import { KeychainSecretStore } from '../secrets/keychain-store.ts'
import { accountName } from '../secrets/secret-store.ts'
import { SecretsService } from '../secrets/secrets-service.ts'
import { ConfigValues } from './config-values.ts'
import { filesContaining } from './find-in-files.ts'

const service = process.argv[2]
const fields: ConfigField[] = [
  { key: 'host', name: 'Host', type: 'string' },
  { key: 'apiKey', name: 'API key', type: 'string', secret: true, required: true },
  { key: 'cert', name: 'Certificate', type: 'attachment', secret: true },
]
const secret = 'sk_keychain_value_0042'
const certificate = 'studio-test-certificate'
const workspace = await mkdtemp(path.join(os.tmpdir(), 'config-keychain-'))
const open = () => new ConfigValues({ workspaceDir: workspace, secrets: new SecretsService(new KeychainSecretStore(service)) })
const lookup = (config: ConfigValues, key: string) => {
  try {
    return execFileSync('secret-tool', ['lookup', 'service', service, 'username', accountName(config.secrets.account('hello', key))], { encoding: 'utf8' })
  } catch {
    return null
  }
}

const observations: Record<string, unknown> = {}
try {
  const config = open()
  const state = await config.set('hello', { host: 'example.com', apiKey: secret, cert: { file_name: 'cert.pem', content_type: 'application/x-pem-file', contentsBase64: Buffer.from(certificate).toString('base64') } }, fields)
  observations.status = state.secretStore.store
  observations.savedSecrets = state.savedSecrets
  observations.values = state.values
  observations.fileHits = (await filesContaining(workspace, [secret, certificate])).hits
  observations.secretToolApiKey = lookup(config, 'apiKey')
  observations.otherPluginSaved = (await config.get('other', fields)).savedSecrets

  const next = open()
  const runtime = await next.forRuntime('hello', fields)
  observations.nextSession = {
    savedSecrets: (await next.get('hello', fields)).savedSecrets,
    apiKey: runtime.config.apiKey,
    certBytes: Buffer.from(runtime.attachments.cert.contentsBase64, 'base64').length,
  }
  const cleared = await next.set('hello', { apiKey: null, cert: null }, fields)
  observations.afterClear = { savedSecrets: cleared.savedSecrets, secretToolApiKey: lookup(next, 'apiKey') }
} finally {
  await rm(workspace, { recursive: true, force: true })
}
process.stdout.write(`${JSON.stringify(observations)}\n`)
