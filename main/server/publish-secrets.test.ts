// Secrets (issue 7): a full publish flow through the studio's backend — a plugin with a secret config
// value, sign-in and publish to a real Verdaccio and to the fake PostHog, a run — with the backend as a
// child process in a D-Bus session with a real gnome-keyring, HOME and TMPDIR fresh folders. Then
// every file under the workspace, HOME and TMPDIR, and all of the backend's stdout and stderr, are
// searched for the token values (raw, base64 and URL-encoded): none may be there.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import path from 'node:path'
import { tmpdir } from 'node:os'
import { mkdtempSync, readdirSync, readFileSync, rmSync, mkdirSync, writeFileSync } from 'node:fs'
import { runInKeyringSession } from '../../test-support/keyring-session.ts'
import { requireSystemPart } from '../../test-support/system-parts.ts'
import { startVerdaccio, type TestRegistry } from '../../test-support/verdaccio.ts'
import { startFakePostHog, type FakePostHog } from '../../test-support/fake-posthog/server.ts'

const SECRET = 'sk-config-secret-9f8e7d6c5b4a'
let registry: TestRegistry
let ph: FakePostHog
let npmToken: string
const dirs: string[] = []

before(async () => {
  registry = await startVerdaccio({ lifetimeMs: 170_000 })
  npmToken = await registry.addUser('secrets-scan', 'secrets-scan-password')
  ph = await startFakePostHog({ lifetimeMs: 170_000 })
})
after(async () => {
  await registry?.stop()
  await ph?.stop()
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

function filesUnder(dir: string): { path: string; bytes: Buffer }[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name))
    .map((file) => ({ path: file, bytes: readFileSync(file) }))
}

/** The forms a token could leak in: as is, base64 (an Authorization header, a .npmrc _auth), URL-encoded. */
function forms(token: string): string[] {
  return [...new Set([token, Buffer.from(token).toString('base64'), encodeURIComponent(token), token.slice(4, -4)])]
}

test('a full publish flow leaves no token or secret in any file the backend wrote, nor in its output', async (t) => {
  if (!requireSystemPart(t, 'dbus') || !requireSystemPart(t, 'gnome-keyring')) return
  const root = mkdtempSync(path.join(tmpdir(), 'secrets-scan-'))
  dirs.push(root)
  const workspace = path.join(root, 'workspace')
  const rendererDir = path.join(root, 'renderer')
  const tmp = path.join(root, 'tmp')
  const home = path.join(root, 'home')
  for (const dir of [workspace, rendererDir, tmp, home]) mkdirSync(dir)
  writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html>')
  const run = await runInKeyringSession(path.join(import.meta.dirname, 'publish-flow.child.ts'), {
    input: JSON.stringify({ workspace, rendererDir, registry: registry.url, npmToken, host: ph.url, apiKey: ph.apiKey, secret: SECRET }),
    env: { TMPDIR: tmp },
    home,
    timeoutMs: 150_000,
  })
  assert.equal(run.code, 0, run.stderr)
  const steps = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as Record<string, unknown>
  assert.equal(steps.error, undefined, JSON.stringify(steps))
  assert.equal((steps.secrets as { store: string }).store, 'keychain')
  assert.deepEqual([steps.npmSignIn, steps.npm, steps.posthogSignIn, steps.posthog, steps.ran], [true, 'published', true, 'created', 2], JSON.stringify(steps))
  assert.equal((await fetch(`${registry.url}posthog-secret-exporter`)).status, 200, 'the package is in the registry')
  assert.ok([...ph.db.plugins.values()].some((p) => p.name === 'Secret Exporter'), 'the plugin is in PostHog')

  const written = [...filesUnder(workspace), ...filesUnder(home), ...filesUnder(tmp)]
  assert.ok(written.some((f) => f.path.endsWith(path.join('secret-exporter', 'package.json'))), 'the publish wrote package.json')
  assert.ok(written.some((f) => f.path.includes('.plugin-studio')), 'the studio wrote its workspace state')
  assert.ok(written.some((f) => f.path.includes('keyrings')), 'the keyring lives in the session HOME')
  const leaks: string[] = []
  for (const [what, token] of Object.entries({ 'the npm token': npmToken, 'the PostHog key': ph.apiKey, 'the secret config value': SECRET })) {
    for (const form of forms(token)) {
      for (const file of written) if (file.bytes.includes(form)) leaks.push(`${what} in ${path.relative(root, file.path)}`)
      if (run.stdout.includes(form)) leaks.push(`${what} on stdout`)
      if (run.stderr.includes(form)) leaks.push(`${what} on stderr`)
    }
  }
  assert.deepEqual(leaks, [])
  t.diagnostic(`searched ${written.length} files (${Math.round(written.reduce((n, f) => n + f.bytes.length, 0) / 1024)} KB) and ${run.stdout.length + run.stderr.length} characters of output for 3 secrets in ${3 * 4} forms`)
})
