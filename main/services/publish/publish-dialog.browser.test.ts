// The Publish dialog in real Chromium against the real publish service: a harness page (bundled
// with esbuild) whose api calls reach this process over HTTP, a real Verdaccio and the fake
// PostHog behind it. Screenshots go to test-results/publish/.
import assert from 'node:assert/strict'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { extname, join } from 'node:path'
import { after, before, test } from 'node:test'
import { build } from 'esbuild'
import { chromium, type Browser } from 'playwright-core'
import { startFakePostHog, type FakePostHog } from '../../../test-support/fake-posthog/server.ts'
import { CHROMIUM_PATH, hasSystemPart, requireSystemPart } from '../../../test-support/system-parts.ts'
import { startVerdaccio, type TestRegistry } from '../../../test-support/verdaccio.ts'
import { SecretsService } from '../secrets/secrets-service.ts'
import { createPublishService } from './publish-service.ts'
import { missingKeychain } from '../../../test-support/missing-keychain.ts'

const SHOTS = 'test-results/publish'

let browser: Browser | undefined
let server: Server | undefined
let registry: TestRegistry | undefined
let ph: FakePostHog | undefined
let npmToken = ''
let base = ''
let dir = ''
let pluginDir = ''
const progress: string[] = []

before(async () => {
  if (!hasSystemPart('chromium')) return
  dir = mkdtempSync(join(tmpdir(), 'publish-dialog-'))
  pluginDir = mkdtempSync(join(tmpdir(), 'publish-dialog-plugin-'))
  writeFileSync(join(pluginDir, 'plugin.json'), JSON.stringify({ name: 'Hello Dialog', config: [{ key: 'greeting', name: 'Greeting', type: 'string', default: 'hi' }] }))
  writeFileSync(join(pluginDir, 'index.ts'), 'export function processEvent(event: any) {\n  return event\n}\n')
  await build({
    entryPoints: { harness: 'renderer/publish/publish-dialog.harness.tsx' },
    bundle: true,
    format: 'esm',
    outdir: dir,
    jsx: 'automatic',
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'error',
  })
  writeFileSync(
    join(dir, 'index.html'),
    '<!doctype html><html><head><meta charset="utf-8"><link rel="stylesheet" href="harness.css"></head><body><div id="root"></div><script type="module" src="harness.js"></script></body></html>',
  )
  registry = await startVerdaccio({ lifetimeMs: 180_000 })
  npmToken = await registry.addUser('dialog-tester', 'dialog-test-password')
  ph = await startFakePostHog({ lifetimeMs: 180_000 })
  const service = createPublishService({
    secrets: new SecretsService(missingKeychain),
    resolvePlugin: async () => ({ dir: pluginDir, config: { greeting: 'hello from the dialog' }, attachments: {} }),
    onProgress: (p) => void progress.push(p.step),
  })
  const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' }
  server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]
    if (path === '/progress') return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(progress))
    if (path.startsWith('/api/') && req.method === 'POST') {
      let body = ''
      req.on('data', (d) => (body += d))
      req.on('end', async () => {
        const method = path.slice(5) as keyof typeof service
        try {
          const result = await (service[method] as (...args: unknown[]) => Promise<unknown>)(...JSON.parse(body))
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ result: result ?? null }))
        } catch (error) {
          res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ message: (error as Error).message }))
        }
      })
      return
    }
    try {
      const file = readFileSync(join(dir, path === '/' ? 'index.html' : path.slice(1).replace(/[^\w.-]/g, '')))
      res.writeHead(200, { 'content-type': types[extname(path)] ?? 'text/html' }).end(file)
    } catch {
      res.writeHead(404).end()
    }
  })
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'] })
  mkdirSync(SHOTS, { recursive: true })
})

after(async () => {
  await browser?.close()
  server?.closeAllConnections()
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()))
  await registry?.stop()
  await ph?.stop()
  for (const d of [dir, pluginDir]) if (d) rmSync(d, { recursive: true, force: true })
})

test('the Publish dialog: session-only consent, sign in, checks and files, publish to Verdaccio and to PostHog', async (t) => {
  if (!requireSystemPart(t, 'chromium')) return
  const page = await browser!.newPage({ viewport: { width: 900, height: 1000 } })
  const errors: string[] = []
  page.on('pageerror', (error) => errors.push(error.message))
  try {
    await page.goto(base)
    const dialog = page.getByRole('dialog', { name: 'Publish Hello Dialog' })
    await dialog.waitFor({ timeout: 15_000 })

    // No keychain on this "machine": said plainly, tokens kept only after the user agrees.
    await dialog.getByRole('alert').filter({ hasText: 'No OS keychain is available' }).waitFor()
    await dialog.getByRole('button', { name: 'Keep tokens for this session only' }).click()
    await dialog.getByText('Tokens are kept in memory for this session only.').waitFor()

    // npm: registry, sign in, checks and the file list, publish.
    await dialog.getByLabel('Registry', { exact: true }).fill(registry!.url)
    await dialog.getByLabel('npm access token').fill(npmToken)
    await dialog.getByRole('button', { name: 'Sign in' }).click()
    await dialog.getByText('Signed in with').waitFor()
    assert.equal(await dialog.getByLabel('npm access token').count(), 0, 'the token field is gone once signed in')
    await dialog.getByRole('button', { name: 'Check' }).click()
    const checks = dialog.getByRole('list', { name: 'Checks' })
    await checks.waitFor()
    assert.match(await checks.innerText(), /Package name: hello-dialog is a valid npm name\./)
    assert.match(await checks.innerText(), /TypeScript: index\.ts is published as TypeScript source/)
    const files = dialog.getByRole('table', { name: 'Files in the package' })
    assert.deepEqual(await files.locator('td.mono').allInnerTexts(), ['index.ts', 'package.json', 'plugin.json'])
    await page.screenshot({ path: join(SHOTS, 'npm-checks.png') })
    await dialog.getByRole('button', { name: 'Publish to npm' }).click()
    await dialog.getByRole('status').filter({ hasText: 'Published hello-dialog@0.1.0.' }).waitFor({ timeout: 20_000 })
    assert.equal((await fetch(`${registry!.url}hello-dialog`)).status, 200)
    assert.ok(!(await page.content()).includes(npmToken), 'the token is nowhere in the page')

    // PostHog: address, key, connect, project, publish.
    await dialog.getByLabel('PostHog instance').check()
    await dialog.getByLabel('PostHog address').fill(ph!.url)
    await dialog.getByLabel('Personal API key').fill('phx_wrong_key_for_the_dialog')
    await dialog.getByRole('button', { name: 'Sign in' }).click()
    await dialog.getByRole('alert').filter({ hasText: 'rejected the personal API key (401' }).waitFor()
    await dialog.getByLabel('Personal API key').fill(ph!.apiKey)
    await dialog.getByRole('button', { name: 'Sign in' }).click()
    await dialog.getByText('Signed in with').waitFor()
    await dialog.getByRole('button', { name: 'Connect' }).click()
    await dialog.getByText('Organization Test Organization').waitFor()
    assert.equal(await dialog.getByLabel('Project', { exact: true }).inputValue(), String(ph!.team.id))
    await dialog.getByRole('button', { name: 'Publish to PostHog' }).click()
    const link = dialog.getByRole('link', { name: 'Open in PostHog' })
    await link.waitFor({ timeout: 20_000 })
    assert.match((await link.getAttribute('href')) ?? '', /\/project\/apps\/1$/)
    // The harness polls the steps; the app gets them as events before the result.
    const steps = dialog.getByRole('region', { name: 'Progress' }).locator('li')
    await steps.filter({ hasText: /^Published$/ }).waitFor()
    assert.deepEqual(await steps.allInnerTexts(), [
      `Signing in to ${ph!.url}`,
      'Looking for the plugin "Hello Dialog"',
      'Creating the plugin "Hello Dialog"',
      'Uploading plugin.json, index.ts',
      `Configuring the plugin in project ${ph!.team.id}`,
      'Published',
    ])
    await page.screenshot({ path: join(SHOTS, 'posthog-published.png') })
    assert.deepEqual([...ph!.db.pluginConfigs.values()][0].config, { greeting: 'hello from the dialog' })
    assert.deepEqual(errors, [])
  } finally {
    await page.close()
  }
})
