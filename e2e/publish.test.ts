// Publishing through the whole studio in Chromium: the real server on a fresh workspace, a plugin
// made with "New plugin" (Exporter template, which has a secret field; an attachment field is added
// by editing plugin.json), its configuration filled in the Configuration pane, then "Publish" to a
// real Verdaccio on 127.0.0.1 and to the fake PostHog (test-support/fake-posthog). Tokens go
// through the dialog's sign-in; without a keychain (no D-Bus session here) through its session-only
// path. Screenshots go to test-results/e2e/publish-*.png.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { listTarball } from '../main/services/publish/npm/tarball-listing.ts'
import { startFakePostHog, type FakePostHog } from '../test-support/fake-posthog/server.ts'
import { hasSystemPart, requireSystemPart } from '../test-support/system-parts.ts'
import { startVerdaccio, type TestRegistry } from '../test-support/verdaccio.ts'
import { openBrowser, SCREENSHOT_DIR, type BrowserSession } from './support/browser.ts'
import { StudioPage } from './support/studio-page.ts'
import { startStudio, type RunningStudio } from './support/studio-server.ts'

const PLUGIN_NAME = 'Order Exporter'
const PLUGIN_ID = 'order-exporter'
const PACKAGE = 'posthog-order-exporter'
const WEBHOOK = 'https://hooks.example.com/orders'
const SECRET = 'sk-publish-e2e-4b7d9e1f3a5c'
const WRONG_KEY = 'phx_this_key_is_wrong_0000000000000000'
// Everything the studio runs against lives this long at most, even if the test process dies.
const LIFETIME_MS = 280_000

/** Every file under `dir` (dot-folders included). */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true })
  return entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name))
}

describe('publishing from the studio', () => {
  let studio: RunningStudio
  let session: BrowserSession
  let ui: StudioPage
  let registry: TestRegistry
  let npmToken: string
  let ph: FakePostHog
  let late: FakePostHog
  let secondProject: number
  let scratch: string
  let attachmentBytes: Buffer
  /** Whether the server process had no keychain and the dialog's session-only path was taken. */
  let sessionOnly = false

  before(async () => {
    if (!hasSystemPart('chromium')) return
    scratch = await mkdtemp(path.join(tmpdir(), 'plugin-studio-e2e-publish-'))
    registry = await startVerdaccio({ lifetimeMs: LIFETIME_MS })
    // A token made through the registry's own API (npm adduser), as `npm login` gets one.
    npmToken = await registry.addUser('studio-e2e', 'studio-e2e-password')
    ph = await startFakePostHog({ lifetimeMs: LIFETIME_MS })
    // A second project in the organization: the dialog must remember the one chosen, not the current one.
    secondProject = ph.db.addTeam(ph.organization, 'Shop project').id
    late = await startFakePostHog({ flavor: 'late', lifetimeMs: LIFETIME_MS })
    studio = await startStudio()
    session = await openBrowser()
    ui = new StudioPage(session.page)
  })
  after(async () => {
    await session?.screenshot('publish-99-last-state').catch(() => undefined)
    await session?.close()
    await studio?.close()
    await registry?.stop()
    await ph?.stop()
    await late?.stop()
    if (scratch) await rm(scratch, { recursive: true, force: true })
  })

  const dialog = () => ui.page.getByRole('dialog', { name: `Publish ${PLUGIN_NAME}` })
  const pane = () => ui.region('Configuration')

  async function openPublish() {
    await ui.button('Publish').click()
    await dialog().waitFor()
    // No keychain: the dialog says so and offers the session (unless the Configuration pane's own
    // session-only offer was taken already); with a keychain there is nothing to agree to.
    const offer = dialog().getByRole('button', { name: 'Keep tokens for this session only' })
    const sessionNote = dialog().getByText('Tokens are kept in memory for this session only.')
    await offer.or(sessionNote).first().waitFor({ timeout: 5_000 }).catch(() => undefined)
    if (await offer.count()) {
      await offer.click()
      await sessionNote.waitFor()
    }
    if (await sessionNote.count()) sessionOnly = true
  }

  async function closePublish() {
    // The footer's Close (the title bar has a × named Close too).
    await dialog().getByRole('button', { name: 'Close', exact: true }).click()
    await dialog().waitFor({ state: 'detached' })
  }

  test('a plugin from the Exporter template, with a secret and an attachment in its configuration', async (t) => {
    if (!requireSystemPart(t, 'chromium')) return
    await ui.page.setViewportSize({ width: 1440, height: 1100 })
    await ui.open(studio.url)
    await ui.button('New plugin').click()
    const create = ui.page.getByRole('dialog', { name: 'New plugin' })
    await create.getByLabel('Plugin name').fill(PLUGIN_NAME)
    await create.getByRole('radio', { name: /Exporter/i }).check()
    await create.getByRole('radio', { name: 'TypeScript' }).check()
    await create.getByRole('button', { name: 'Create plugin' }).click()
    await create.waitFor({ state: 'detached' })
    await ui.region('Files').getByRole('button', { name: PLUGIN_NAME, exact: true }).waitFor()
    await ui.waitForActiveFile('index.ts')

    // The template has a secret (API key) but no attachment: add one to plugin.json in the editor.
    await ui.openFile('plugin.json')
    const pluginJson = JSON.parse(await readFile(path.join(studio.workspaceDir, PLUGIN_ID, 'plugin.json'), 'utf8'))
    pluginJson.config.push({ key: 'ordersCsv', name: 'Orders CSV', type: 'attachment', hint: 'Known order ids.' })
    await ui.replaceText(JSON.stringify(pluginJson, null, 2) + '\n')
    await ui.save()
    await ui.page.getByRole('tab', { name: /plugin\.json/ }).locator('.dirty-dot').waitFor({ state: 'detached' })

    const config = pane()
    await config.getByLabel('Webhook URL', { exact: true }).fill(WEBHOOK)
    await config.getByLabel('API key', { exact: true }).fill(SECRET)
    await config.getByRole('button', { name: 'Save configuration' }).click()
    const masked = config.getByRole('button', { name: 'Reset secret field' })
    const keepSecrets = config.getByRole('button', { name: 'Keep secrets for this session only' })
    await masked.or(keepSecrets).first().waitFor()
    if (await keepSecrets.count()) await keepSecrets.click()
    await masked.waitFor()

    attachmentBytes = Buffer.from('order_id,total\n1001,19.90\n1002,5.00\n')
    const csv = path.join(scratch, 'orders.csv')
    await writeFile(csv, attachmentBytes)
    await config.getByLabel('Orders CSV', { exact: true }).setInputFiles(csv)
    await config.getByText('Selected file: orders.csv').waitFor()
  })

  test('npm: sign in with a Verdaccio token, see the checks, files and version, publish', async (t) => {
    if (!requireSystemPart(t, 'chromium')) return
    await openPublish()
    const d = dialog()
    await d.getByLabel('npm registry').check()
    await d.getByLabel('Registry', { exact: true }).fill(registry.url)
    await d.getByLabel('npm access token').fill(npmToken)
    await d.getByRole('button', { name: 'Sign in' }).click()
    await d.getByText('Signed in with').waitFor()
    assert.equal(await d.getByLabel('npm access token').count(), 0, 'the token field is gone once signed in')
    assert.equal(await d.getByLabel('Version').inputValue(), '', 'the current version is kept unless a bump is chosen')
    await d.getByRole('button', { name: 'Check' }).click()
    const checks = d.getByRole('list', { name: 'Checks' })
    await checks.waitFor()
    const checkText = await checks.innerText()
    assert.match(checkText, new RegExp(`${PACKAGE} is a valid npm name`))
    assert.equal(await checks.locator('li[data-status="fail"]').count(), 0, `no check fails:\n${checkText}`)
    const files = await d.getByRole('table', { name: 'Files in the package' }).locator('td.mono').allInnerTexts()
    for (const file of ['plugin.json', 'index.ts', 'package.json']) assert.ok(files.includes(file), `${file} is listed in ${files.join(', ')}`)
    await d.getByText(new RegExp(`^${PACKAGE}@0\\.1\\.0: \\d+ files`)).waitFor()
    await session.screenshot('publish-01-npm-checks')

    await d.getByRole('button', { name: 'Publish to npm' }).click()
    await d.getByRole('status').filter({ hasText: `Published ${PACKAGE}@0.1.0.` }).waitFor({ timeout: 30_000 })
    await session.screenshot('publish-02-npm-published')

    // On the registry: the version, and a tarball with plugin.json and the entry file.
    const doc = (await (await fetch(`${registry.url}${PACKAGE}`)).json()) as { versions: Record<string, { main?: string; dist: { tarball: string } }> }
    assert.deepEqual(Object.keys(doc.versions), ['0.1.0'])
    const tarball = Buffer.from(await (await fetch(doc.versions['0.1.0'].dist.tarball)).arrayBuffer())
    const inside = listTarball(tarball).map((e) => e.path)
    assert.ok(inside.includes('plugin.json') && inside.includes('index.ts'), `the tarball has plugin.json and index.ts: ${inside.join(', ')}`)
    assert.equal(doc.versions['0.1.0'].main, 'index.ts')
  })

  test('npm: publishing the same version again is refused with a clear message', async (t) => {
    if (!requireSystemPart(t, 'chromium')) return
    const d = dialog()
    // The user clicks Publish again, without bumping the version.
    await d.getByRole('button', { name: 'Publish to npm' }).click()
    const alert = d.getByRole('alert').filter({ hasText: 'already on' })
    await alert.waitFor({ timeout: 30_000 })
    assert.match(await alert.innerText(), new RegExp(`Version 0\\.1\\.0 of ${PACKAGE} is already on ${registry.url.replace(/[.]/g, '\\.')}.*cannot be replaced\\. Bump the version`))
    assert.match(await alert.innerText(), /Nothing was published\./)
    assert.equal(await d.getByRole('status').filter({ hasText: 'Published' }).count(), 0, 'no "Published" note is left from before')
    const failed = d.getByRole('list', { name: 'Checks' }).locator('li[data-status="fail"]')
    assert.match(await failed.innerText(), /Version is new/)
    assert.ok(await d.getByRole('button', { name: 'Publish to npm' }).isDisabled(), 'Publish is off while a check fails')
    await session.screenshot('publish-03-npm-version-exists')
    const doc = (await (await fetch(`${registry.url}${PACKAGE}`)).json()) as { versions: Record<string, unknown> }
    assert.deepEqual(Object.keys(doc.versions), ['0.1.0'], 'nothing new reached the registry')
    await closePublish()
  })

  test('PostHog: a wrong key is refused at sign-in with a clear message', async (t) => {
    if (!requireSystemPart(t, 'chromium')) return
    await openPublish()
    const d = dialog()
    await d.getByLabel('PostHog instance').check()
    await d.getByLabel('PostHog address').fill(ph.url)
    await d.getByLabel('Personal API key').fill(WRONG_KEY)
    await d.getByRole('button', { name: 'Sign in' }).click()
    const alert = d.getByRole('alert').filter({ hasText: 'rejected the personal API key (401' })
    await alert.waitFor()
    assert.match(await alert.innerText(), /The key is wrong, was deleted, or belongs to another instance\./)
    assert.ok(!(await alert.innerText()).includes(WRONG_KEY), 'the key is not repeated')
    await session.screenshot('publish-04-posthog-wrong-key')
  })

  test('PostHog: sign in, connect, choose a project, publish: a source plugin with its files and the form\'s config', async (t) => {
    if (!requireSystemPart(t, 'chromium')) return
    const d = dialog()
    await d.getByLabel('Personal API key').fill(ph.apiKey)
    await d.getByRole('button', { name: 'Sign in' }).click()
    await d.getByText('Signed in with').waitFor()
    await d.getByRole('button', { name: 'Connect' }).click()
    await d.getByText('Organization Test Organization').waitFor()
    await d.getByLabel('Project', { exact: true }).selectOption(String(secondProject))
    await d.getByRole('button', { name: 'Publish to PostHog' }).click()
    const link = d.getByRole('link', { name: 'Open in PostHog' })
    await link.waitFor({ timeout: 30_000 })
    const plugin = [...ph.db.plugins.values()].find((p) => p.name === PLUGIN_NAME)
    assert.ok(plugin, 'the plugin exists on PostHog')
    assert.equal(await link.getAttribute('href'), `${ph.url}/project/apps/${plugin.id}`)
    await d.getByRole('status').filter({ hasText: `Created “${PLUGIN_NAME}” and installed it in project ${secondProject} (enabled).` }).waitFor()
    await session.screenshot('publish-05-posthog-published')

    assert.equal(plugin.plugin_type, 'source')
    const sources = ph.db.sourceFiles.get(plugin.id)!
    assert.deepEqual([...sources.keys()].sort(), ['index.ts', 'plugin.json'])
    assert.equal(sources.get('index.ts')!.source, await readFile(path.join(studio.workspaceDir, PLUGIN_ID, 'index.ts'), 'utf8'))
    assert.match(sources.get('plugin.json')!.source, /"ordersCsv"/)
    const configs = [...ph.db.pluginConfigs.values()].filter((c) => c.plugin === plugin.id)
    assert.equal(configs.length, 1)
    const [pc] = configs
    assert.equal(pc.team_id, secondProject)
    assert.equal(pc.enabled, true)
    assert.equal(pc.config.webhookUrl, WEBHOOK)
    assert.equal(pc.config.apiKey, SECRET, 'the secret is sent (PostHog stores it and shows it masked)')
    const attachment = [...ph.db.attachments.values()].find((a) => a.plugin_config === pc.id && a.key === 'ordersCsv')
    assert.ok(attachment, 'the attachment was uploaded')
    assert.equal(attachment.file_name, 'orders.csv')
    assert.deepEqual(attachment.contents, attachmentBytes)
  })

  test('PostHog: reopening the dialog for the plugin pre-fills the host and the project', async (t) => {
    if (!requireSystemPart(t, 'chromium')) return
    await closePublish()
    // Remembered in the workspace, host and project only: not in the browser, and never the key.
    const remembered = JSON.parse(await readFile(path.join(studio.workspaceDir, '.plugin-studio', 'publish.json'), 'utf8'))
    assert.deepEqual(remembered.plugins[PLUGIN_ID], { target: 'posthog', registry: registry.url, host: ph.url, projectId: secondProject })
    await ui.page.evaluate(() => (globalThis as unknown as { localStorage: { clear(): void } }).localStorage.clear())
    await openPublish()
    const d = dialog()
    assert.equal(await d.getByLabel('PostHog instance').isChecked(), true, 'the target is PostHog again')
    assert.equal(await d.getByLabel('PostHog address').inputValue(), ph.url)
    await d.getByText('Signed in with').waitFor()
    await d.getByRole('button', { name: 'Connect' }).click()
    assert.equal(await d.getByLabel('Project', { exact: true }).inputValue(), String(secondProject), 'the project chosen last time, not the key\'s current one')
    await session.screenshot('publish-06-posthog-reopened')
  })

  test('PostHog: a key revoked since sign-in (401) says so, and that nothing was changed', async (t) => {
    if (!requireSystemPart(t, 'chromium')) return
    const d = dialog()
    const before = ph.requests.length
    ph.user.key = 'phx_revoked_and_replaced_000000000000000'
    try {
      await d.getByRole('button', { name: 'Publish to PostHog' }).click()
      const alert = d.getByRole('alert').filter({ hasText: 'rejected the personal API key (401' })
      await alert.waitFor({ timeout: 30_000 })
      assert.match(await alert.innerText(), /Nothing was changed on PostHog\./)
      assert.ok(ph.requests.slice(before).every((r) => r.method === 'GET'), 'only the sign-in check was sent')
      await session.screenshot('publish-07-posthog-401')
    } finally {
      ph.user.key = ph.apiKey
    }
    await closePublish()
  })

  test('PostHog: an instance that no longer supports plugins (400) says so, and what was changed', async (t) => {
    if (!requireSystemPart(t, 'chromium')) return
    await openPublish()
    const d = dialog()
    await d.getByLabel('PostHog address').fill(late.url)
    await d.getByLabel('Personal API key').fill(late.apiKey)
    await d.getByRole('button', { name: 'Sign in' }).click()
    await d.getByText('Signed in with').waitFor()
    await d.getByRole('button', { name: 'Connect' }).click()
    await d.getByLabel('Project', { exact: true }).waitFor()
    await d.getByRole('button', { name: 'Publish to PostHog' }).click()
    const alert = d.getByRole('alert').filter({ hasText: 'does not support plugins any more' })
    await alert.waitFor({ timeout: 30_000 })
    const text = await alert.innerText()
    assert.match(text, /Newer PostHog runs Hog functions instead of plugins/)
    assert.match(text, /Already done on PostHog: created the source plugin .*; uploaded plugin\.json, index\.ts.* Not done: install it in the project with its configuration\./)
    assert.equal(late.db.pluginConfigs.size, 0)
    await session.screenshot('publish-08-posthog-late-instance')
    await closePublish()
  })

  test('a later launch on the same workspace (a new port, so an empty localStorage) opens on the same host and project', async (t) => {
    if (!requireSystemPart(t, 'chromium')) return
    const next = await startStudio({ reuseWorkspace: studio.workspaceDir })
    const page = await session.context.newPage()
    try {
      const later = new StudioPage(page)
      await later.open(next.url)
      await later.selectPlugin(PLUGIN_NAME)
      await later.button('Publish').click()
      const d = page.getByRole('dialog', { name: `Publish ${PLUGIN_NAME}` })
      await d.waitFor()
      assert.equal(await d.getByLabel('PostHog instance').isChecked(), true)
      assert.equal(await d.getByLabel('PostHog address').inputValue(), ph.url)
      // Session-only tokens did not outlive the first launch: sign in again, then the project is the remembered one.
      const offer = d.getByRole('button', { name: 'Keep tokens for this session only' })
      await offer.or(d.getByLabel('Personal API key')).first().waitFor()
      if (await offer.count()) await offer.click()
      const signedIn = d.getByText('Signed in with')
      await d.getByLabel('Personal API key').or(signedIn).first().waitFor()
      if (!(await signedIn.count())) {
        await d.getByLabel('Personal API key').fill(ph.apiKey)
        await d.getByRole('button', { name: 'Sign in' }).click()
        await signedIn.waitFor()
      }
      await d.getByRole('button', { name: 'Connect' }).click()
      await d.getByLabel('Project', { exact: true }).waitFor()
      assert.equal(await d.getByLabel('Project', { exact: true }).inputValue(), String(secondProject))
      await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'publish-09-next-launch.png') })
    } finally {
      await page.close()
      await next.close()
    }
  })

  test('no token or secret is in any workspace file or in the page', async (t) => {
    if (!requireSystemPart(t, 'chromium')) return
    const tokens = { 'the npm token': npmToken, 'the PostHog key': ph.apiKey, 'the late PostHog key': late.apiKey, 'the wrong key': WRONG_KEY, 'the secret config value': SECRET }
    const files = await filesUnder(studio.workspaceDir)
    assert.ok(files.some((f) => f.endsWith(path.join(PLUGIN_ID, 'package.json'))))
    for (const file of files) {
      const bytes = await readFile(file)
      for (const [what, token] of Object.entries(tokens)) assert.ok(!bytes.includes(token), `${path.relative(studio.workspaceDir, file)} holds ${what}`)
    }
    const page = await ui.page.content()
    const storage = await ui.page.evaluate(() => JSON.stringify({ ...(globalThis as unknown as { localStorage: Record<string, string> }).localStorage }))
    for (const [what, token] of Object.entries(tokens)) {
      assert.ok(!page.includes(token), `the page shows ${what}`)
      assert.ok(!storage.includes(token), `localStorage holds ${what}`)
    }
    t.diagnostic(sessionOnly ? 'no keychain: tokens were kept for the session only' : 'tokens went to the OS keychain')
  })

  test('made no request beyond 127.0.0.1 and logged no page errors', async (t) => {
    if (!requireSystemPart(t, 'chromium')) return
    assert.deepEqual(session.externalRequests, [])
    assert.deepEqual(session.pageErrors, [])
  })
})
