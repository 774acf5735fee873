// Run by publish-secrets.test.ts as the studio's backend process (inside a D-Bus session with a real
// gnome-keyring): the browser-mode server on a workspace, and a studio-protocol client over its
// WebSocket doing what the Publish dialog does: new plugin, a secret config value, sign in, publish to
// npm and to PostHog, and a run of the plugin. Reads its job as JSON on stdin; prints one JSON line.
import { text } from 'node:stream/consumers'
import WebSocket from 'ws'
import { connect } from '../../common/rpc/rpc.ts'
import type { StudioEvents, StudioMethods } from '../../common/protocol/studio.ts'
import { startServer } from './server.ts'
import { wsClientTransport } from './ws-client-transport.ts'

const job = JSON.parse(await text(process.stdin)) as { workspace: string; rendererDir: string; registry: string; npmToken: string; host: string; apiKey: string; secret: string }
const server = await startServer({ workspaceDir: job.workspace, rendererDir: job.rendererDir })
const origin = new URL(server.url).origin
const socket = new WebSocket(`${origin.replace('http', 'ws')}/studio?token=${server.token}`, { origin })
await new Promise((resolve, reject) => {
  socket.once('open', resolve)
  socket.once('error', reject)
})
const studio = connect<StudioMethods, StudioEvents>(wsClientTransport(socket))

const steps: Record<string, unknown> = {}
try {
  const created = await studio.createPlugin({ name: 'Secret Exporter', template: 'exporter', language: 'ts' })
  steps.created = created.id
  steps.secrets = await studio.secretsStatus()
  await studio.setConfig(created.id, { webhookUrl: 'https://hooks.example.com/orders', apiKey: job.secret })
  const npmSignIn = await studio.signIn('npm', job.registry, job.npmToken)
  steps.npmSignIn = npmSignIn.ok
  const npm = await studio.npmPublish(created.id, { registry: job.registry })
  steps.npm = npm.ok ? npm.result.outcome : `${npm.failure}: ${npm.message}`
  const phSignIn = await studio.signIn('posthog', job.host, job.apiKey)
  steps.posthogSignIn = phSignIn.ok
  const connection = await studio.posthogConnect(job.host)
  if (!connection.ok) throw new Error(`posthogConnect: ${connection.message}`)
  const posthog = await studio.posthogPublish(created.id, { host: job.host, projectId: connection.result.currentProjectId ?? connection.result.projects[0].id })
  steps.posthog = posthog.ok ? (posthog.result.plugin.created ? 'created' : 'updated') : `${posthog.failure}: ${posthog.message}`
  // A run with the secret in the config: the plugin's logs and results go through the backend too.
  const { events } = await studio.readEventFile('sample:feature-flag-called.json').catch(() => ({ events: [{ event: 'x', distinct_id: 'u', properties: {} }] }))
  const run = await studio.runEvents({ plugins: [created.id], events: events.slice(0, 2) as never })
  steps.ran = run.results.length
} catch (error) {
  steps.error = error instanceof Error ? `${error.name}: ${error.message}` : String(error)
} finally {
  socket.close()
  await server.close()
}
process.stdout.write(`${JSON.stringify(steps)}\n`)
