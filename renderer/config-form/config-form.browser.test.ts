/// <reference types="node" />
// ConfigForm in real Chromium: a harness page bundled with esbuild, served from a temp dir on
// 127.0.0.1, driven with Playwright. Screenshots go to test-results/config-form/.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { Server } from 'node:http'
import { tmpdir } from 'node:os'
import { extname, join } from 'node:path'
import { build } from 'esbuild'
import { chromium } from 'playwright-core'
import type { Browser, Page } from 'playwright-core'
import { CHROMIUM_PATH, hasSystemPart, requireSystemPart } from '../../test-support/system-parts.ts'

const SHOTS = 'test-results/config-form'

const EVERY_FIELD = JSON.stringify(
  {
    name: 'Warehouse Export',
    description: 'Sends events to **your** warehouse, enriched from a lookup table.',
    config: [
      { markdown: '## Connection\nRead the [setup guide](https://example.com/guide) before you start.' },
      { key: 'host', name: 'Host', type: 'string', default: 'https://warehouse.example.com', required: true, hint: 'The *base URL* of your warehouse.' },
      { key: 'mode', name: 'Upload mode', type: 'choice', choices: ['api', 'file'], default: 'api' },
      { key: 'apiKey', name: 'API key', type: 'string', secret: true, visible_if: [['mode', 'api']], required_if: [['mode', 'api']], hint: 'Find it under **Settings → Keys**.' },
      { key: 'table', name: 'Lookup table', type: 'attachment', visible_if: [['mode', 'file']], required_if: [['mode', 'file']] },
      { key: 'mapping', name: 'Property mapping', type: 'json', default: '{\n  "$browser": "browser"\n}' },
      { key: 'eventsToInclude', type: 'string', hint: 'Comma-separated; empty means all events.' },
    ],
  },
  null,
  2,
)

let browser: Browser | undefined
let server: Server | undefined
let base = ''
let dir = ''

before(async () => {
  if (!hasSystemPart('chromium')) return
  dir = mkdtempSync(join(tmpdir(), 'config-form-'))
  await build({
    entryPoints: { harness: 'renderer/config-form/config-form.harness.tsx' },
    bundle: true,
    format: 'esm',
    outdir: dir,
    jsx: 'automatic',
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'error',
  })
  const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' }
  server = createServer((req, res) => {
    const name = (req.url ?? '/').split('?')[0] === '/' ? 'index.html' : (req.url ?? '').slice(1).split('?')[0]!
    try {
      const body = readFileSync(join(dir, name.replace(/[^\w.-]/g, '')))
      res.writeHead(200, { 'content-type': types[extname(name)] ?? 'application/octet-stream' }).end(body)
    } catch {
      res.writeHead(404).end()
    }
  })
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`
  browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
  })
  mkdirSync(SHOTS, { recursive: true })
})

after(async () => {
  await browser?.close()
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()))
  if (dir) rmSync(dir, { recursive: true, force: true })
})

/** A fresh page with the harness showing `pluginJson`. */
async function open(pluginJson: string): Promise<Page> {
  writeFileSync(
    join(dir, 'index.html'),
    `<!doctype html><html><head><meta charset="utf-8"><link rel="stylesheet" href="harness.css"></head>
<body style="margin:0"><div id="root" style="width:620px"></div>
<script>window.initialPluginJson = ${JSON.stringify(pluginJson).replace(/</g, '\\u003c')}</script>
<script type="module" src="harness.js"></script></body></html>`,
  )
  const page = await browser!.newPage({ viewport: { width: 680, height: 900 } })
  const errors: string[] = []
  page.on('pageerror', (error) => errors.push(error.message))
  await page.goto(base)
  await page.locator('.cf-root').waitFor({ timeout: 10_000 })
  assert.deepEqual(errors, [])
  return page
}

const setText = (page: Page, text: string) => page.evaluate((t) => window.harness.setText(t), text)

test('every field type renders the right control with the field name as its label', async (t) => {
  if (!requireSystemPart(t, 'chromium')) return
  const page = await open(EVERY_FIELD)
  try {
    const host = page.getByLabel('Host', { exact: true })
    assert.equal(await host.evaluate((el) => `${el.tagName}:${(el as HTMLInputElement).type}`), 'INPUT:text')
    assert.equal(await host.inputValue(), 'https://warehouse.example.com', 'default pre-filled')
    assert.equal(await host.getAttribute('aria-required'), 'true')
    const mode = page.getByLabel('Upload mode', { exact: true })
    assert.equal(await mode.evaluate((el) => el.tagName), 'SELECT')
    assert.equal(await mode.inputValue(), 'api')
    assert.deepEqual(await mode.locator('option').allTextContents(), ['api', 'file'])
    assert.equal(await page.getByLabel('API key', { exact: true }).evaluate((el) => el.tagName), 'INPUT')
    const mapping = page.getByLabel('Property mapping', { exact: true })
    assert.equal(await mapping.evaluate((el) => el.tagName), 'TEXTAREA')
    assert.equal(await mapping.inputValue(), '{\n  "$browser": "browser"\n}')
    // No name: the label falls back to the key.
    assert.equal(await page.getByLabel('eventsToInclude', { exact: true }).count(), 1)
    // Markdown-only block and hints are rendered as markdown.
    assert.equal(await page.getByRole('heading', { name: 'Connection' }).count(), 1)
    assert.equal(await page.locator('.cf-hint em', { hasText: 'base URL' }).count(), 1)
    assert.equal(await page.locator('.cf-hint strong', { hasText: 'Settings → Keys' }).count(), 1)
    const link = page.getByRole('link', { name: 'setup guide' })
    assert.equal(await link.getAttribute('target'), '_blank')
    assert.equal(await link.getAttribute('rel'), 'noopener noreferrer')
    // Required mark on Host (drawn by CSS, outside the label's text), lock on the secret.
    assert.match(await page.locator('label', { hasText: 'Host' }).getAttribute('class') ?? '', /cf-required/)
    assert.equal(await page.locator('label', { hasText: 'API key' }).locator('.cf-lock svg').count(), 1)
    await page.locator('.cf-lock').hover()
    assert.equal(await page.getByRole('tooltip').isVisible(), true)
    await page.screenshot({ path: `${SHOTS}/studio-secret-tooltip.png`, clip: { x: 0, y: 230, width: 640, height: 200 } })
    assert.equal(await page.getByRole('tooltip').textContent(), 'This is a secret write-only field. Its value is not available after saving.')
    await page.mouse.move(0, 0)
    // The attachment: hidden while mode is "api".
    assert.equal(await page.getByLabel('Lookup table', { exact: true }).count(), 0)
    await page.screenshot({ path: `${SHOTS}/studio-every-field.png`, fullPage: true })
  } finally {
    await page.close()
  }
})

test('visible_if and required_if follow the values live; missing required fields are named', async (t) => {
  if (!requireSystemPart(t, 'chromium')) return
  const page = await open(EVERY_FIELD)
  try {
    const missing = page.locator('.cf-missing')
    assert.match(await missing.innerText(), /Missing required field: API key/)
    assert.equal(await page.locator('.cf-item', { has: page.getByLabel('API key', { exact: true }) }).locator('.cf-error').innerText(), 'Please enter a value!')

    await page.getByLabel('Upload mode', { exact: true }).selectOption('file')
    assert.equal(await page.getByLabel('API key', { exact: true }).count(), 0, 'API key hidden when mode is file')
    const table = page.getByLabel('Lookup table', { exact: true })
    assert.equal(await table.getAttribute('type'), 'file')
    assert.match(await missing.innerText(), /Missing required field: Lookup table/)
    assert.match(await page.locator('label', { hasText: 'Lookup table' }).getAttribute('class') ?? '', /cf-required/)

    await table.setInputFiles({ name: 'countries.csv', mimeType: 'text/csv', buffer: Buffer.from('code,name\nNL,Netherlands\n') })
    await page.getByText('Selected file: countries.csv').waitFor()
    assert.equal(await missing.count(), 0, 'nothing missing once the file is chosen')
    assert.equal(await page.evaluate(() => window.harness.attachmentBytes.table), 25)

    // Clearing a required field brings the message back, with PostHog's wording under it.
    await page.getByLabel('Host', { exact: true }).fill('')
    assert.match(await missing.innerText(), /Missing required field: Host/)
    assert.equal(await page.locator('.cf-item-error .cf-error').innerText(), 'Please enter a value!')
    await page.screenshot({ path: `${SHOTS}/studio-file-mode-missing-host.png`, fullPage: true })
    const state = await page.evaluate(() => window.harness.state())
    assert.deepEqual(state.values, { mode: 'file', host: '' })
    assert.deepEqual(state.attachments.table, { file_name: 'countries.csv', content_type: 'text/csv', size: 25 })
  } finally {
    await page.close()
  }
})

test('a secret is masked after saving, PostHog style, and can be reset', async (t) => {
  if (!requireSystemPart(t, 'chromium')) return
  const page = await open(EVERY_FIELD)
  try {
    await page.getByLabel('API key', { exact: true }).fill('sk-live-123456')
    await page.getByRole('button', { name: 'Save configuration' }).click()
    const reset = page.getByRole('button', { name: 'Reset secret field' })
    await reset.waitFor()
    assert.equal(await page.getByLabel('API key', { exact: true }).count(), 0, 'no input for a stored secret')
    assert.equal((await page.content()).includes('sk-live-123456'), false, 'the secret is nowhere in the page')
    const state = await page.evaluate(() => window.harness.state())
    assert.deepEqual(state.savedSecrets, ['apiKey'])
    assert.equal(state.values.apiKey, undefined, 'the secret left the values')
    assert.equal(state.stored.apiKey, 'sk-live-123456', 'and went to the store')
    assert.equal(await page.locator('.cf-missing').count(), 0, 'a stored secret counts as filled')
    await page.screenshot({ path: `${SHOTS}/studio-secret-masked.png`, fullPage: true })

    await reset.click()
    const input = page.getByLabel('API key', { exact: true })
    assert.equal(await input.inputValue(), '')
    assert.equal(await input.evaluate((el) => el === document.activeElement), true, 'reset focuses the new input')
    assert.match(await page.locator('.cf-missing').innerText(), /API key/)
  } finally {
    await page.close()
  }
})

test('json fields validate live; markdown links go to onOpenLink, never inside the app', async (t) => {
  if (!requireSystemPart(t, 'chromium')) return
  const page = await open(EVERY_FIELD)
  try {
    const mapping = page.getByLabel('Property mapping', { exact: true })
    await mapping.fill('{"a": ')
    assert.match(await page.locator('.cf-json-error').innerText(), /^Not valid JSON: /)
    assert.equal(await mapping.getAttribute('aria-invalid'), 'true')
    await mapping.fill('{"a": 1}')
    assert.equal(await page.locator('.cf-json-error').count(), 0)

    const popups: unknown[] = []
    page.on('popup', (p) => popups.push(p))
    await page.getByRole('link', { name: 'setup guide' }).click()
    assert.deepEqual(await page.evaluate(() => window.harness.openedLinks), ['https://example.com/guide'])
    assert.equal(page.url(), `${base}/`)
    await page.waitForTimeout(200)
    assert.equal(popups.length, 0)
  } finally {
    await page.close()
  }
})

test('editing plugin.json updates the form live; a broken plugin.json keeps the last good form and says why', async (t) => {
  if (!requireSystemPart(t, 'chromium')) return
  const page = await open(EVERY_FIELD)
  try {
    // Live update: a new field appears, a renamed label follows.
    const doc = JSON.parse(EVERY_FIELD)
    doc.config.push({ key: 'batchSize', name: 'Batch size', type: 'choice', choices: ['10', '100'], default: '100' })
    doc.config[1].name = 'Warehouse host'
    await setText(page, JSON.stringify(doc, null, 2))
    assert.equal(await page.getByLabel('Batch size', { exact: true }).inputValue(), '100')
    assert.equal(await page.getByLabel('Warehouse host', { exact: true }).count(), 1)
    const good = JSON.stringify(doc, null, 2)

    // Invalid JSON: message with the place; the form stays.
    await setText(page, good.replace('"name": "Batch size",', '"name": "Batch size"'))
    const alert = page.getByRole('alert')
    assert.match(await alert.innerText(), /plugin\.json has 1 problem: showing the last good form/)
    assert.match(await alert.innerText(), /plugin\.json:\d+:\d+ Not valid JSON: comma expected/)
    assert.equal(await page.getByLabel('Batch size', { exact: true }).count(), 1, 'last good form still there')
    assert.equal(await page.getByLabel('Warehouse host', { exact: true }).count(), 1)
    const problems = await page.evaluate(() => window.harness.problems)
    assert.equal(problems.length, 1)
    assert.equal(problems[0]!.line, good.split('\n').findIndex((l) => l.includes('"name": "Batch size"')) + 1)
    await page.screenshot({ path: `${SHOTS}/studio-broken-json.png`, fullPage: true })

    // Each listed case gives its message; the last good form stays each time.
    const broken: [string, RegExp][] = [
      [good.replace('"type": "json"', '"type": "boolean"'), /Field "mapping": unknown type "boolean"/],
      [good.replace('"choices": [\n        "10",\n        "100"\n      ],', ''), /Field "batchSize": type "choice" needs "choices"/],
      [good.replace('"key": "eventsToInclude"', '"key": "host"'), /Duplicate field key "host"/],
      [good.replace('"required_if": [\n        [\n          "mode",', '"required_if": [\n        [\n          "nomode",'), /"required_if" names "nomode", which is not a field key/],
    ]
    for (const [text, message] of broken) {
      assert.notEqual(text, good, `fixture edit for ${message} did not apply`)
      await setText(page, text)
      assert.match(await page.getByRole('alert').innerText(), message)
      assert.equal(await page.getByLabel('Batch size', { exact: true }).count(), 1)
      assert.equal(await page.getByLabel('Property mapping', { exact: true }).count(), 1)
    }

    // Fixed again: the problems go away.
    await setText(page, good)
    assert.equal(await page.getByRole('alert').count(), 0)
  } finally {
    await page.close()
  }
})

test('legacy object config renders in "order", and an empty config says so', async (t) => {
  if (!requireSystemPart(t, 'chromium')) return
  const page = await open(
    JSON.stringify({
      name: 'Legacy',
      config: {
        third: { name: 'Third', type: 'string', order: 3 },
        first: { name: 'First', type: 'string', order: 1 },
        second: { name: 'Second', type: 'choice', choices: ['a'], order: 2 },
      },
    }),
  )
  try {
    assert.deepEqual(await page.locator('.cf-label').allInnerTexts(), ['First', 'Second', 'Third'])
    await setText(page, JSON.stringify({ name: 'Nothing', config: [] }))
    await page.getByText('This app is not configurable.').waitFor()
    assert.equal(await page.getByRole('button', { name: 'Save configuration' }).count(), 0, 'nothing to save: no Save button')
  } finally {
    await page.close()
  }
})

test('PostHog preview shows only what a PostHog user sees; setupPlugin errors show next to the form', async (t) => {
  if (!requireSystemPart(t, 'chromium')) return
  const page = await open(EVERY_FIELD)
  try {
    await page.evaluate(() => {
      window.harness.setPreview(true)
      window.harness.setSetupError('Error: Could not reach https://warehouse.example.com (ECONNREFUSED)')
    })
    const preview = page.getByRole('region', { name: 'PostHog preview' })
    await preview.waitFor()
    assert.equal(await preview.getByText('Warehouse Export').count(), 1)
    assert.equal(await page.locator('.cf-key, .cf-missing, .cf-hidden-note, .cf-problems').count(), 0, 'no studio controls')
    assert.equal(await page.getByRole('button', { name: 'Save configuration' }).count(), 0)
    assert.equal(await page.locator('.cf-error').count(), 0, 'no errors before the user saves')
    assert.match(await page.getByRole('alert').innerText(), /setupPlugin failed\s+Error: Could not reach/)
    await page.screenshot({ path: `${SHOTS}/preview.png`, fullPage: true })

    await preview.getByRole('button', { name: 'Save' }).click()
    assert.equal(await page.locator('.cf-error').innerText(), 'Please enter a value!')
    await page.screenshot({ path: `${SHOTS}/preview-after-save.png`, fullPage: true })
  } finally {
    await page.close()
  }
})

test('the notes about secrets say where they go: keychain, this session only, or nowhere yet', async (t) => {
  if (!requireSystemPart(t, 'chromium')) return
  const page = await open(EVERY_FIELD)
  try {
    const footer = page.locator('.cf-studio-footer')
    await page.getByLabel('API key', { exact: true }).fill('sk-live-123456')
    assert.equal(await footer.locator('.cf-muted').innerText(), 'Secret values go to the system keychain when you save.')
    await page.evaluate(() => window.harness.setSecretStorage('session'))
    assert.equal(await footer.locator('.cf-muted').innerText(), 'Secret values are kept in memory for this session only when you save.')
    await page.evaluate(() => window.harness.setSecretStorage('none'))
    assert.equal(await footer.locator('.cf-muted').innerText(), 'Saving a secret value needs a system keychain, or keeping secrets for this session only.')

    await page.evaluate(() => window.harness.setSecretStorage('session'))
    await page.getByRole('button', { name: 'Save configuration' }).click()
    await page.getByRole('button', { name: 'Reset secret field' }).waitFor()
    const note = page.locator('.cf-item', { hasText: 'API key' }).locator('.cf-note')
    assert.equal(await note.innerText(), 'Kept in memory for this session only.')
    assert.equal(await page.getByText(/keychain/).count(), 0, 'no word of a keychain while secrets are kept for the session')
    await page.screenshot({ path: `${SHOTS}/studio-secret-session-only.png`, fullPage: true })
    await page.evaluate(() => window.harness.setSecretStorage('keychain'))
    assert.equal(await note.innerText(), 'Stored in the system keychain.')
  } finally {
    await page.close()
  }
})

test('"Saved." shows only once a save succeeded: not while it runs, not when it is refused or fails', async (t) => {
  if (!requireSystemPart(t, 'chromium')) return
  const page = await open(EVERY_FIELD)
  const errors: string[] = []
  page.on('pageerror', (error) => errors.push(error.message))
  const saved = page.getByText('Saved.', { exact: true })
  const settled = (n: number) => page.waitForFunction((count) => window.harness.savesSettled === count, n)
  /** Presses `button` with saves held, checks nothing is claimed meanwhile, then lets the save settle. */
  const saveHeld = async (button: string, settledCount: number) => {
    await page.evaluate(() => (window.harness.holdSaves = true))
    await page.getByRole('button', { name: button, exact: true }).click()
    await page.waitForTimeout(100)
    assert.equal(await saved.count(), 0, 'nothing is claimed while the save runs')
    await page.evaluate(() => window.harness.releaseSave())
    await settled(settledCount)
    await page.waitForTimeout(150)
  }
  try {
    const host = page.getByLabel('Host', { exact: true })
    await host.fill('https://one.example.com')
    await saveHeld('Save configuration', 1)
    await saved.waitFor()

    // Refused (e.g. a secret with nowhere to go): the caller shows why; the form claims nothing.
    await page.evaluate(() => (window.harness.saveOutcome = 'refused'))
    await page.getByLabel('API key', { exact: true }).fill('sk-live-123456')
    assert.equal(await saved.count(), 0, 'an edit clears the note')
    await saveHeld('Save configuration', 2)
    assert.equal(await saved.count(), 0, 'a refused save is not "Saved."')
    assert.equal(await page.getByLabel('API key', { exact: true }).count(), 1, 'the refused secret is still typed, not masked')

    // Failed (the save threw): same, and no unhandled rejection in the page.
    await page.evaluate(() => (window.harness.saveOutcome = 'failed'))
    await host.fill('https://two.example.com')
    await saveHeld('Save configuration', 3)
    assert.equal(await saved.count(), 0, 'a failed save is not "Saved."')

    // The PostHog preview's Save: the same rule.
    await page.evaluate(() => {
      window.harness.setPreview(true)
      window.harness.saveOutcome = 'refused'
    })
    await page.getByRole('region', { name: 'PostHog preview' }).waitFor()
    await page.getByLabel('API key', { exact: true }).fill('sk-live-654321')
    await saveHeld('Save', 4)
    assert.equal(await saved.count(), 0, 'a refused preview save is not "Saved."')
    await page.evaluate(() => (window.harness.saveOutcome = 'saved'))
    await saveHeld('Save', 5)
    await saved.waitFor()
    await page.evaluate(() => window.harness.setPreview(false))
    await page.getByRole('button', { name: 'Save configuration' }).waitFor()

    // An edit made while a save runs: that save's success does not vouch for the edit.
    await page.evaluate(() => (window.harness.holdSaves = true))
    await page.getByRole('button', { name: 'Save configuration' }).click()
    await host.fill('https://three.example.com')
    await page.evaluate(() => window.harness.releaseSave())
    await settled(6)
    await page.waitForTimeout(150)
    assert.equal(await saved.count(), 0, 'an edit during the save leaves nothing claimed')

    assert.deepEqual(errors, [])
  } finally {
    await page.close()
  }
})
