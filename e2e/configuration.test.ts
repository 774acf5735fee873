// The Configuration pane in browser mode, driven like a user would: a plugin whose plugin.json has
// every field type, its form, values that drive the runtime, secrets kept out of workspace files,
// attachments from disk, live plugin.json edits and the run refused for a missing required value.
// Screenshots go to test-results/e2e/configuration-*.png.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { hasSystemPart, requireSystemPart } from '../test-support/system-parts.ts'
import { openBrowser, type BrowserSession } from './support/browser.ts'
import { StudioPage } from './support/studio-page.ts'
import { startStudio, type RunningStudio } from './support/studio-server.ts'

const PLUGIN = 'config-demo'
const SECRET = 'sk-e2e-9f3c1a7b5d2e8c4f6a0b'
const DOCS_URL = 'https://example.com/docs/config-demo'

const PLUGIN_JSON = {
  name: 'Config demo',
  description: 'Every config field type PostHog supports.',
  main: 'index.js',
  config: [
    { markdown: `## Setting up\nRead [the docs](${DOCS_URL}) first.` },
    { key: 'greeting', name: 'Greeting', type: 'string', default: 'Hello', required: true, hint: 'Goes into **properties.greeting**.' },
    { key: 'mode', name: 'Mode', type: 'choice', choices: ['lower', 'upper'], default: 'lower' },
    { key: 'region', name: 'Region', type: 'string', visible_if: [['mode', 'upper']] },
    { key: 'rules', name: 'Rules', type: 'json', default: '{"drop": false}' },
    { key: 'allowList', name: 'Allow list', type: 'attachment', hint: 'Any file: its size is logged.' },
    { key: 'apiKey', name: 'API key', type: 'string', secret: true, required: true },
  ],
}

const INDEX_JS = `export function setupPlugin({ config }) {
  if (config.greeting === 'explode') throw new Error('setup refuses the greeting "explode"')
}

export function processEvent(event, { config, attachments }) {
  const file = attachments.allowList
  console.log(file ? 'allow list: ' + file.file_name + ' ' + file.contents.length + ' bytes' : 'allow list: none')
  const greeting = config.mode === 'upper' ? config.greeting.toUpperCase() : config.greeting
  return { ...event, properties: { ...event.properties, greeting, has_api_key: config.apiKey.length > 0 } }
}
`

/** Every file under `dir` (dot-folders included). */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true })
  return entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name))
}

describe('the Configuration pane', () => {
  let studio: RunningStudio
  let session: BrowserSession
  let ui: StudioPage
  let scratch: string

  before(async () => {
    if (!hasSystemPart('chromium')) return
    studio = await startStudio()
    const dir = path.join(studio.workspaceDir, PLUGIN)
    await mkdir(dir, { recursive: true })
    await writeFile(path.join(dir, 'plugin.json'), JSON.stringify(PLUGIN_JSON, null, 2) + '\n')
    await writeFile(path.join(dir, 'index.js'), INDEX_JS)
    scratch = await mkdtemp(path.join(tmpdir(), 'plugin-studio-e2e-upload-'))
    session = await openBrowser()
    ui = new StudioPage(session.page)
  })
  after(async () => {
    await session?.screenshot('configuration-99-last-state').catch(() => undefined)
    await session?.close()
    await studio?.close()
    if (scratch) await rm(scratch, { recursive: true, force: true })
  })

  const pane = () => ui.region('Configuration')

  test('every field type renders its control, labelled with its name', async (t) => {
    if (!requireSystemPart(t, 'chromium')) return
    // A tall window, and the Configuration pane dragged taller, so the screenshots show the whole form.
    await ui.page.setViewportSize({ width: 1440, height: 1400 })
    await ui.open(studio.url)
    await ui.selectPlugin('Config demo')
    const splitter = ui.page.getByRole('separator', { name: 'Resize Configuration' })
    const box = (await splitter.boundingBox())!
    await ui.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2)
    await ui.page.mouse.down()
    await ui.page.mouse.move(box.x + box.width / 2, 1150, { steps: 5 })
    await ui.page.mouse.up()
    const config = pane()
    const tag = (label: string) => config.getByLabel(label, { exact: true }).evaluate((el) => `${el.tagName.toLowerCase()}:${(el as unknown as { type: string }).type}`)
    await config.getByLabel('Greeting', { exact: true }).waitFor()
    assert.equal(await tag('Greeting'), 'input:text')
    assert.equal(await config.getByLabel('Greeting', { exact: true }).inputValue(), 'Hello', 'the default is pre-filled')
    assert.equal(await tag('Mode'), 'select:select-one')
    const options = await config.getByLabel('Mode', { exact: true }).locator('option').allTextContents()
    assert.deepEqual(options.filter((o) => o.trim()), ['lower', 'upper'])
    assert.equal(await config.getByLabel('Mode', { exact: true }).inputValue(), 'lower', 'the default is chosen')
    assert.equal(await tag('Rules'), 'textarea:textarea')
    assert.equal(await tag('Allow list'), 'input:file')
    assert.equal(await tag('API key'), 'input:text')
    // visible_if: Region shows only with mode = upper.
    assert.equal(await config.getByLabel('Region', { exact: true }).count(), 0)
    await config.getByText(/Region\s*is hidden/).waitFor()
    // Markdown blocks and hints render as markdown.
    await config.getByRole('heading', { name: 'Setting up' }).waitFor()
    await config.locator('strong', { hasText: 'properties.greeting' }).waitFor()
    await session.screenshot('configuration-01-every-field')
  })

  test('a missing required field refuses the run, naming the field', async (t) => {
    if (!requireSystemPart(t, 'chromium')) return
    const refusal = pane().getByRole('alert', { name: 'Run refused' })
    await refusal.waitFor({ timeout: 120_000 })
    assert.match((await refusal.textContent()) ?? '', /API key/)
    await pane().getByText(/Missing required field/).waitFor()
    await ui.output().getByText('Run refused').waitFor()
    assert.match((await ui.output().textContent()) ?? '', /API key/)
    await session.screenshot('configuration-02-run-refused')
  })

  test('a markdown link goes to the system browser (browser mode: a new tab), never inside the studio', async (t) => {
    if (!requireSystemPart(t, 'chromium')) return
    type Win = { open(...args: unknown[]): unknown; openedWith?: unknown[][] }
    await ui.page.evaluate(() => {
      const win = globalThis as unknown as Win
      const open = win.open.bind(win)
      win.openedWith = []
      win.open = (...args: unknown[]) => (win.openedWith!.push(args), open(...args))
    })
    const request = session.context.waitForEvent('request', { predicate: (r) => r.url() === DOCS_URL, timeout: 20_000 })
    const popup = session.context.waitForEvent('page', { timeout: 20_000 })
    await pane().getByRole('link', { name: 'the docs' }).click()
    await request
    await (await popup).close()
    assert.deepEqual(await ui.page.evaluate(() => (globalThis as unknown as Win).openedWith), [[DOCS_URL, '_blank', 'noopener']])
    assert.match(ui.page.url(), /^http:\/\/127\.0\.0\.1/, 'the studio stayed where it was')
  })

  test('a secret is masked after saving and is in no workspace file', async (t) => {
    if (!requireSystemPart(t, 'chromium')) return
    const config = pane()
    await config.getByLabel('API key', { exact: true }).fill(SECRET)
    await config.getByRole('button', { name: 'Save configuration' }).click()
    const masked = config.getByRole('button', { name: 'Reset secret field' })
    const sessionOnly = config.getByRole('button', { name: 'Keep secrets for this session only' })
    // Without an OS keychain (no D-Bus session here) saving is refused with the reason and the offer.
    await masked.or(config.getByText(/Cannot save the secret field/)).first().waitFor()
    const keptForSession = (await sessionOnly.count()) > 0
    if (keptForSession) {
      // Refused: the form claims nothing, and says where a secret could go.
      assert.equal(await config.getByText('Saved.', { exact: true }).count(), 0, 'a refused save is not "Saved."')
      await config.getByText('Saving a secret value needs a system keychain, or keeping secrets for this session only.').waitFor()
      await session.screenshot('configuration-03-no-keychain')
      await sessionOnly.click()
    }
    await masked.waitFor()
    // The note under the masked secret says where it is kept.
    const note = config.locator('.cf-item', { has: ui.page.getByRole('button', { name: 'Reset secret field' }) }).locator('.cf-note')
    assert.equal(await note.textContent(), keptForSession ? 'Kept in memory for this session only.' : 'Stored in the system keychain.')
    assert.equal(await config.getByLabel('API key', { exact: true }).count(), 0, 'no input shows the stored secret')
    assert.ok(!(await ui.page.content()).includes(SECRET), 'the secret is nowhere in the page')
    // The run goes through now, with the secret.
    await ui.diffRow('properties.has_api_key').filter({ hasText: 'true' }).waitFor()
    assert.equal(await config.getByRole('alert', { name: 'Run refused' }).count(), 0)
    const files = await filesUnder(studio.workspaceDir)
    assert.ok(files.some((f) => f.endsWith(path.join('.plugin-studio', 'config.json'))), 'the config was stored in the workspace')
    for (const file of files) assert.ok(!(await readFile(file)).includes(SECRET), `${path.relative(studio.workspaceDir, file)} holds no secret`)
    await session.screenshot('configuration-04-secret-masked')
  })

  test('changing a value reruns the selected event at once', async (t) => {
    if (!requireSystemPart(t, 'chromium')) return
    const config = pane()
    await config.getByLabel('Greeting', { exact: true }).fill('Howdy from e2e')
    await ui.diffRow('properties.greeting').filter({ hasText: /"Howdy from e2e"/ }).waitFor({ timeout: 20_000 })
    await config.getByLabel('Mode', { exact: true }).selectOption('upper')
    await ui.diffRow('properties.greeting').filter({ hasText: /"HOWDY FROM E2E"/ }).waitFor({ timeout: 20_000 })
    await config.getByLabel('Region', { exact: true }).waitFor()
    const stored = JSON.parse(await readFile(path.join(studio.workspaceDir, '.plugin-studio', 'config.json'), 'utf8'))
    assert.equal(JSON.stringify(stored).includes('Howdy from e2e'), true, 'stored without pressing Save')
    await session.screenshot('configuration-05-value-reruns')
  })

  test('a setupPlugin error shows next to the form', async (t) => {
    if (!requireSystemPart(t, 'chromium')) return
    const config = pane()
    await config.getByLabel('Greeting', { exact: true }).fill('explode')
    const failure = config.getByRole('alert').filter({ hasText: 'setupPlugin failed' })
    await failure.waitFor({ timeout: 20_000 })
    assert.match((await failure.textContent()) ?? '', /setup refuses the greeting "explode"/)
    // The lazy setupPlugin failed on this event, which went on without the plugin: not "Processed".
    await ui.verdict().filter({ hasText: 'Setup failed · event passed through' }).waitFor({ timeout: 20_000 })
    await session.screenshot('configuration-06-setup-error')
    await config.getByLabel('Greeting', { exact: true }).fill('Howdy from e2e')
    await failure.waitFor({ state: 'detached', timeout: 20_000 })
    await ui.diffRow('properties.greeting').filter({ hasText: /"HOWDY FROM E2E"/ }).waitFor({ timeout: 20_000 })
    assert.equal(await ui.verdict().textContent(), 'Processed')
  })

  test('an attachment picked from disk reaches the plugin, bytes intact', async (t) => {
    if (!requireSystemPart(t, 'chromium')) return
    const bytes = Buffer.alloc(3000)
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 31 + 7) % 256
    const file = path.join(scratch, 'allow-list.bin')
    await writeFile(file, bytes)
    await pane().getByLabel('Allow list', { exact: true }).setInputFiles(file)
    await ui.output().getByText('allow list: allow-list.bin 3000 bytes').waitFor({ timeout: 30_000 })
    await pane().getByText('Selected file: allow-list.bin').waitFor()
    const stored = (await filesUnder(path.join(studio.workspaceDir, '.plugin-studio'))).find((f) => f.endsWith('allow-list.bin'))
    assert.ok(stored, 'stored under .plugin-studio/attachments')
    assert.deepEqual(await readFile(stored), bytes, 'byte for byte')
    await session.screenshot('configuration-07-attachment')
    // The same form as a PostHog user sees it (for docs screenshots).
    await pane().getByRole('checkbox', { name: 'PostHog preview' }).check()
    await pane().getByRole('region', { name: 'PostHog preview' }).waitFor()
    await session.screenshot('configuration-08-posthog-preview')
    await pane().getByRole('checkbox', { name: 'PostHog preview' }).uncheck()
  })

  test('editing plugin.json updates the form live, and saving config saves plugin.json first', async (t) => {
    if (!requireSystemPart(t, 'chromium')) return
    await ui.openFile('plugin.json')
    const edited = { ...PLUGIN_JSON, config: [...PLUGIN_JSON.config, { key: 'suffix', name: 'Suffix', type: 'string' }] }
    await ui.replaceText(JSON.stringify(edited, null, 2) + '\n')
    // No save: the form follows the editor.
    await pane().getByLabel('Suffix', { exact: true }).waitFor()
    await ui.page.getByRole('tab', { name: /plugin\.json/ }).locator('.dirty-dot').waitFor()
    await session.screenshot('configuration-09-live-plugin-json')
    // Storing a value of the new field saves plugin.json first (the backend reads fields from the saved file).
    await pane().getByLabel('Suffix', { exact: true }).fill('!')
    await ui.page.getByRole('tab', { name: /plugin\.json/ }).locator('.dirty-dot').waitFor({ state: 'detached', timeout: 20_000 })
    assert.match(await readFile(path.join(studio.workspaceDir, PLUGIN, 'plugin.json'), 'utf8'), /"suffix"/)
    const configFile = path.join(studio.workspaceDir, '.plugin-studio', 'config.json')
    for (let i = 0; i < 50 && !(await readFile(configFile, 'utf8')).includes('"suffix"'); i++) await new Promise((r) => setTimeout(r, 100))
    assert.match(JSON.stringify(JSON.parse(await readFile(configFile, 'utf8'))), /"suffix":"!"/)
  })

  test('logged no page errors', async (t) => {
    if (!requireSystemPart(t, 'chromium')) return
    assert.deepEqual(session.pageErrors, [])
    // The docs link was the one request beyond 127.0.0.1 (made by the new tab, and blocked).
    assert.deepEqual([...new Set(session.externalRequests)].filter((url) => url !== DOCS_URL), [])
  })
})
