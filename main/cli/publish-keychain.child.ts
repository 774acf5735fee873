// Run by publish.test.ts inside a D-Bus session with a real gnome-keyring: signs in the way the
// studio does (tokens into the OS keychain), then publishes with `plugin-studio publish` taking
// the tokens from the keychain only. Reads its job as JSON on stdin; prints one JSON line.
import { text } from 'node:stream/consumers'
import { SecretsService } from '../services/secrets/secrets-service.ts'
import { runPublish } from './publish.ts'

const job = JSON.parse(await text(process.stdin)) as { registry: string; npmToken: string; npmDir: string; host: string; apiKey: string; posthogDir: string }
const secrets = new SecretsService()
await secrets.set({ kind: 'npm', target: job.registry }, job.npmToken)
await secrets.set({ kind: 'posthog', target: job.host }, job.apiKey)

let output = ''
const io = { stdout: (t: string) => void (output += t), stderr: (t: string) => void (output += t), env: {}, secrets }
const npm = await runPublish(['npm', job.npmDir, '--registry', job.registry], io)
const posthog = await runPublish(['posthog', job.posthogDir, '--host', job.host, '--config', 'greeting=hi'], io)
const status = await secrets.status()
process.stdout.write(`${JSON.stringify({ npm, posthog, status, output })}\n`)
