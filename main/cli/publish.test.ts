// `plugin-studio publish`: npm against a real Verdaccio, PostHog against the fake server, tokens
// from the environment or from a real gnome-keyring — and never in any file or any output.
import assert from 'node:assert/strict'
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { startFakePostHog, type FakePostHog } from '../../test-support/fake-posthog/server.ts'
import { runInKeyringSession } from '../../test-support/keyring-session.ts'
import { requireSystemPart } from '../../test-support/system-parts.ts'
import { startVerdaccio, type TestRegistry } from '../../test-support/verdaccio.ts'
import { SecretsService } from '../services/secrets/secrets-service.ts'
import { runPublish } from './publish.ts'
import { runCli } from './spawn-cli.test-helper.ts'
import { missingKeychain } from '../../test-support/missing-keychain.ts'

const PLUGIN_JSON = { name: 'CLI Greeter', config: [{ key: 'greeting', name: 'Greeting', type: 'string', default: 'hello' }] }
const CODE = 'export function processEvent(event) {\n  return event\n}\n'

const dirs: string[] = []
function plugin(name = PLUGIN_JSON.name): string {
  const dir = mkdtempSync(join(tmpdir(), 'studio-cli-publish-'))
  dirs.push(dir)
  writeFileSync(join(dir, 'plugin.json'), JSON.stringify({ ...PLUGIN_JSON, name }, null, 2))
  writeFileSync(join(dir, 'index.js'), CODE)
  return dir
}

/** No keychain in these in-process runs: tokens come from the environment only. */
const noKeychain = new SecretsService(missingKeychain)

async function publish(argv: string[], env: NodeJS.ProcessEnv) {
  let stdout = ''
  let stderr = ''
  const code = await runPublish(argv, { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), env, secrets: noKeychain })
  return { code, stdout, stderr }
}

/** Every regular file under a folder, with its contents. */
function filesUnder(root: string): { path: string; text: string }[] {
  const out: { path: string; text: string }[] = []
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name)
      const stat = statSync(path, { throwIfNoEntry: false })
      if (!stat) continue
      if (stat.isDirectory()) walk(path)
      else if (stat.isFile()) out.push({ path, text: readFileSync(path).toString('latin1') })
    }
  }
  walk(root)
  return out
}

describe('plugin-studio publish', () => {
  let registry: TestRegistry
  let npmToken: string
  let ph: FakePostHog

  before(async () => {
    registry = await startVerdaccio({ lifetimeMs: 240_000 })
    npmToken = await registry.addUser('cli-tester', 'another-long-password')
    ph = await startFakePostHog({ lifetimeMs: 240_000 })
  })
  after(async () => {
    await registry?.stop()
    await ph?.stop()
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
  })

  test('npm --dry-run prints the checks and the tarball, sends nothing, needs no token', async () => {
    const run = await publish(['npm', plugin('Dry CLI'), '--registry', registry.url, '--dry-run', '--bump', 'minor'], {})
    assert.equal(run.code, 0, run.stderr)
    assert.match(run.stdout, /✓ Package name: dry-cli is a valid npm name\./)
    assert.match(run.stdout, /dry-cli@0\.2\.0: 3 files, tarball \d+(\.\d)? (B|kB), unpacked/)
    assert.match(run.stdout, /Dry run: nothing was sent to/)
    assert.equal((await fetch(`${registry.url}dry-cli`)).status, 404)
  })

  test('npm with NPM_TOKEN publishes; the token is never printed', async () => {
    const run = await publish(['npm', plugin('Env CLI'), '--registry', registry.url], { NPM_TOKEN: npmToken })
    assert.equal(run.code, 0, run.stderr)
    assert.match(run.stdout, /Published env-cli@0\.1\.0 to http:\/\/127\.0\.0\.1:\d+\//)
    assert.ok(!run.stdout.includes(npmToken) && !run.stderr.includes(npmToken))
    assert.equal((await fetch(`${registry.url}env-cli`)).status, 200)
  })

  test('npm failures: one line on stderr, exit 1', async () => {
    const bad = 'bm90LXRoZS1yaWdodC10b2tlbi1hdC1hbGw='
    const wrong = await publish(['npm', plugin('Bad Token CLI'), '--registry', registry.url], { NPM_TOKEN: bad })
    assert.equal(wrong.code, 1)
    assert.match(wrong.stderr, /^plugin-studio publish npm: http:\/\/127\.0\.0\.1:\d+\/ rejected the token \(401 Unauthorized\).*Nothing was published\.\n$/)
    assert.ok(!wrong.stderr.includes(bad) && !wrong.stdout.includes(bad))

    const none = await publish(['npm', plugin('No Token CLI'), '--registry', registry.url], {})
    assert.equal(none.code, 1)
    assert.match(none.stderr, /no token for http:\/\/127\.0\.0\.1:\d+\/: sign in from the studio's Publish dialog .* or set NPM_TOKEN\. Nothing was published\.\n$/)

    const dir = plugin('Twice CLI')
    assert.equal((await publish(['npm', dir, '--registry', registry.url], { NPM_TOKEN: npmToken })).code, 0)
    rmSync(join(dir, 'package.json'))
    const again = await publish(['npm', dir, '--registry', registry.url], { NPM_TOKEN: npmToken })
    assert.equal(again.code, 1)
    assert.match(again.stderr, /^plugin-studio publish npm: 1 check failed, nothing was published: Version 0\.1\.0 of twice-cli is already on/)
  })

  test('posthog with POSTHOG_PERSONAL_API_KEY creates, then updates; errors are one line', async () => {
    const dir = plugin()
    const first = await publish(['posthog', dir, '--host', ph.url, '--config', 'greeting=hi'], { POSTHOG_PERSONAL_API_KEY: ph.apiKey })
    assert.equal(first.code, 0, first.stderr)
    assert.match(first.stdout, /Created plugin "CLI Greeter" \(#\d+\); uploaded plugin\.json, index\.ts \(index\.js as index\.ts\)\./)
    assert.match(first.stdout, /Installed in project \d+, enabled, order 0\./)
    assert.ok(first.stdout.includes(`${ph.url}/project/apps/`))
    const second = await publish(['posthog', dir, '--host', ph.url, '--project', String(ph.team.id), '--disabled'], { POSTHOG_PERSONAL_API_KEY: ph.apiKey })
    assert.equal(second.code, 0, second.stderr)
    assert.match(second.stdout, /Updated plugin "CLI Greeter".*\nUpdated in project \d+, disabled, order 0\./)
    assert.ok(!first.stdout.includes(ph.apiKey) && !second.stdout.includes(ph.apiKey))

    const wrong = await publish(['posthog', dir, '--host', ph.url], { POSTHOG_PERSONAL_API_KEY: 'phx_wrong_key_123456' })
    assert.equal(wrong.code, 1)
    assert.match(wrong.stderr, /^plugin-studio publish posthog: PostHog at http:\/\/127\.0\.0\.1:\d+ rejected the personal API key \(401: .*Nothing was changed on PostHog\.\n$/)
    assert.ok(!wrong.stderr.includes('phx_wrong_key_123456'))
  })

  test('bad input is refused before anything happens (through the real plugin-studio command)', async () => {
    const noHost = await runCli(['publish', 'posthog', plugin()])
    assert.equal(noHost.code, 2)
    assert.equal(noHost.stderr, 'plugin-studio publish: publish posthog needs --host URL (the address you open PostHog at)\n')
    const badBump = await runCli(['publish', 'npm', plugin(), '--bump', 'huge'])
    assert.equal(badBump.code, 2)
    assert.match(badBump.stderr, /--bump expects patch, minor or major, got 'huge'/)
    const noDir = await runCli(['publish', 'npm', '/nonexistent/plugin'])
    assert.equal(noDir.code, 2)
    assert.match(noDir.stderr, /\/nonexistent\/plugin: no such plugin folder/)
    const help = await runCli(['publish', '--help'])
    assert.equal(help.code, 0)
    assert.match(help.stdout, /plugin-studio publish npm <plugin-dir> \[--registry URL\] \[--dry-run\] \[--bump patch\|minor\|major\]/)
  })

  test('tokens from a real gnome-keyring; afterwards no token is in any file written or in any output', async (t) => {
    if (!requireSystemPart(t, 'dbus') || !requireSystemPart(t, 'gnome-keyring')) return
    const npmDir = plugin('Keychain CLI')
    const posthogDir = plugin('Keychain Greeter')
    // The child's temp files (npm's staging copies) land here, so they are searched too.
    const childTmp = mkdtempSync(join(tmpdir(), 'studio-keychain-tmp-'))
    dirs.push(childTmp)
    const run = await runInKeyringSession(join(import.meta.dirname, 'publish-keychain.child.ts'), {
      input: JSON.stringify({ registry: registry.url, npmToken, npmDir, host: ph.url, apiKey: ph.apiKey, posthogDir }),
      env: { TMPDIR: childTmp },
      timeoutMs: 90_000,
    })
    try {
      assert.equal(run.code, 0, run.stderr)
      const result = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as { npm: number; posthog: number; status: { store: string }; output: string }
      assert.equal(result.status.store, 'keychain')
      assert.equal(result.npm, 0, result.output)
      assert.equal(result.posthog, 0, result.output)
      assert.equal((await fetch(`${registry.url}keychain-cli`)).status, 200)
      assert.ok([...ph.db.plugins.values()].some((p) => p.name === 'Keychain Greeter'))

      const written = [...filesUnder(npmDir), ...filesUnder(posthogDir), ...filesUnder(run.home), ...filesUnder(childTmp)]
      assert.ok(written.some((f) => f.path.endsWith('package.json')), 'the publish wrote package.json')
      assert.ok(written.some((f) => f.path.includes('keyrings')), 'the keyring lives in the session HOME')
      for (const secret of [npmToken, ph.apiKey]) {
        for (const file of written) assert.ok(!file.text.includes(secret), `a token was written to ${file.path}`)
        assert.ok(!run.stdout.includes(secret) && !run.stderr.includes(secret) && !result.output.includes(secret), 'a token was printed')
      }
    } finally {
      rmSync(run.home, { recursive: true, force: true })
    }
  })
})
