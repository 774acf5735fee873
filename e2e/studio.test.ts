// The studio in browser mode, driven like a user would: Debian Chromium against the real server on a
// fresh workspace. Screenshots of each step go to test-results/e2e/.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { writeFile } from 'node:fs/promises'
import path from 'node:path'
import { hasSystemPart, requireSystemPart } from '../test-support/system-parts.ts'
import { openBrowser, type BrowserSession } from './support/browser.ts'
import { StudioPage } from './support/studio-page.ts'
import { startStudio, type RunningStudio } from './support/studio-server.ts'

const HELLO_NAME = /hello/i

describe('the studio in browser mode', () => {
  let studio: RunningStudio
  let session: BrowserSession
  let ui: StudioPage

  before(async () => {
    // Without Chromium every test below skips loudly (or fails under CI=true) through requireSystemPart.
    if (!hasSystemPart('chromium')) return
    studio = await startStudio()
    session = await openBrowser()
    ui = new StudioPage(session.page)
  })
  after(async () => {
    await session?.screenshot('99-last-state').catch(() => undefined)
    await session?.close()
    await studio?.close()
  })

  test('first launch shows the hello-world plugin, its code and its output', async (t) => {
    if (!requireSystemPart(t, 'chromium')) return
    await ui.open(studio.url)
    for (const name of ['Files', 'Editor', 'Configuration', 'Debugger', 'Output'] as const) {
      assert.equal(await ui.region(name).count(), 1, `one region named ${name}`)
    }
    for (const name of ['New plugin', 'Run', 'Step', 'Run all', 'Reset', 'Publish']) {
      assert.equal(await ui.button(name).count(), 1, `one button named ${name}`)
    }
    await ui.region('Files').getByRole('button', { name: HELLO_NAME }).first().waitFor()
    await ui.waitForActiveFile('index.ts')
    assert.match(await ui.visibleText(), /export function processEvent/)
    // The first run starts the runtime process: on a loaded machine that can take a while.
    await ui.verdict().filter({ hasText: 'Processed' }).waitFor({ timeout: 120_000 })
    await ui.diffRow('properties.greeting').waitFor()
    await session.screenshot('01-first-launch')
  })

  test('the configuration form changes what the plugin does', async (t) => {
    if (!requireSystemPart(t, 'chromium')) return
    const config = ui.region('Configuration')
    await config.getByLabel('Greeting').fill('Hi from the e2e config')
    await config.getByRole('button', { name: 'Save configuration' }).click()
    await ui.diffRow('properties.greeting').filter({ hasText: 'Hi from the e2e config' }).waitFor()
    await session.screenshot('02-config-form')
  })

  test('edit the code, save with Ctrl+S, and see the new output', async (t) => {
    if (!requireSystemPart(t, 'chromium')) return
    await ui.replaceText(
      [
        "import type { PluginEvent } from '@posthog/plugin-scaffold'",
        '',
        'export function processEvent(event: PluginEvent): PluginEvent {',
        "  console.info('edited in the studio')",
        "  return { ...event, properties: { ...event.properties, edited_by: 'e2e' } }",
        '}',
        '',
      ].join('\n'),
    )
    await ui.page.getByRole('tab', { name: /index\.ts/ }).locator('.dirty-dot').waitFor()
    await ui.save()
    const row = ui.diffRow('properties.edited_by')
    await row.waitFor()
    assert.match(await row.textContent() ?? '', /"e2e"/)
    await ui.output().getByText('edited in the studio').waitFor()
    assert.equal(await ui.diffRow('properties.greeting').count(), 0, 'the old output is gone')
    await ui.page.getByRole('tab', { name: /index\.ts/ }).locator('.dirty-dot').waitFor({ state: 'detached' })
    await session.screenshot('03-edit-save-output')
  })

  test('IntelliSense knows the plugin API and type errors show as squiggles', async (t) => {
    if (!requireSystemPart(t, 'chromium')) return
    await ui.replaceText(
      [
        "import type { PluginEvent, Meta } from '@posthog/plugin-scaffold'",
        '',
        'export async function processEvent(event: PluginEvent, meta: Meta): Promise<PluginEvent> {',
        '  const count: number = event.distinct_id',
        '  return event',
        '}',
        '',
      ].join('\n'),
    )
    await ui.errorMarkers().first().waitFor()
    // Completion of meta.: type on the empty line 5 position via a new line.
    await ui.editor.locator('.view-line').nth(3).click()
    await ui.page.keyboard.press('End')
    await ui.page.keyboard.press('Enter')
    await ui.page.keyboard.type('  meta.ca')
    const suggest = ui.editor.locator('.suggest-widget')
    await suggest.getByText('cache', { exact: true }).waitFor()
    await session.screenshot('04-intellisense')
    await ui.page.keyboard.press('Escape')
    await ui.page.keyboard.press('Enter')
    await ui.page.keyboard.type('event.dist')
    await suggest.getByText('distinct_id', { exact: true }).waitFor()
    await ui.page.keyboard.press('Escape')
    await ui.page.keyboard.press('ControlOrMeta+Z')
    await ui.page.keyboard.press('ControlOrMeta+Z')
  })

  test('a plugin.json error shows in the editor as you type', async (t) => {
    if (!requireSystemPart(t, 'chromium')) return
    await ui.openFile('plugin.json')
    const original = await ui.visibleText()
    assert.match(original, /"name"/)
    await ui.replaceText('{\n  "name": "Hello",\n  "config": [{ "key": "greeting", "type": "checkbox" }]\n}\n')
    await ui.errorMarkers().first().waitFor()
    // The schema's message, not a syntax error: the text is valid JSON.
    await ui.errorMarkers().first().hover({ force: true })
    await ui.page.locator('.monaco-hover').getByText(/checkbox|Value is not accepted|string, json, attachment, choice/i).first().waitFor()
    await session.screenshot('05-plugin-json-error')
    await ui.page.keyboard.press('Escape')
    await ui.editor.locator('.view-lines').click()
    await ui.page.keyboard.press('ControlOrMeta+Z')
    await ui.errorMarkers().first().waitFor({ state: 'detached' })
  })

  test('a runtime error links to the line that threw', async (t) => {
    if (!requireSystemPart(t, 'chromium')) return
    await ui.openFile('index.ts')
    await ui.replaceText(
      [
        "import type { PluginEvent } from '@posthog/plugin-scaffold'",
        '',
        'export function processEvent(event: PluginEvent): PluginEvent {',
        '  const list: string[] = []',
        '  if (list.length === 0) {',
        "    throw new Error('no list for ' + event.event)",
        '  }',
        '  return event',
        '}',
        '',
      ].join('\n'),
    )
    await ui.save()
    await ui.verdict().filter({ hasText: 'Error' }).waitFor()
    const link = ui.output().getByRole('button', { name: /index\.ts:6:\d+/ }).first()
    await link.waitFor()
    // Move the cursor elsewhere first, then follow the link.
    await ui.editor.locator('.view-line').first().click()
    assert.equal(await ui.cursorLine(), 1)
    await link.click()
    await ui.waitForCursorLine(6)
    assert.equal(await ui.cursorLine(), 6)
    await ui.errorMarkers().first().waitFor()
    await session.screenshot('06-runtime-error-link')
  })

  test('a compile error links to its line too', async (t) => {
    if (!requireSystemPart(t, 'chromium')) return
    await ui.replaceText(['export function processEvent(event) {', '  const x = (1 + ', '  return event', '}', ''].join('\n'))
    await ui.save()
    const link = ui.output().getByRole('button', { name: /index\.ts:3:\d+/ }).first()
    await link.waitFor()
    await ui.editor.locator('.view-line').first().click()
    await link.click()
    await ui.waitForCursorLine(3)
    await session.screenshot('07-compile-error-link')
  })

  test('a change made outside the studio shows in the editor', async (t) => {
    if (!requireSystemPart(t, 'chromium')) return
    const code = "export function processEvent(event) {\n  return { ...event, properties: { ...event.properties, from_disk: true } }\n}\n"
    await writeFile(path.join(studio.workspaceDir, 'hello-world', 'index.ts'), code)
    await ui.page.waitForFunction(
      () => (globalThis as unknown as { document: { querySelector(s: string): { textContent: string | null } | null } }).document
        .querySelector('[aria-label="Editor"] .view-lines')?.textContent?.includes('from_disk'),
      undefined,
      { timeout: 20_000 },
    )
    await ui.page.keyboard.press('F5')
    await ui.diffRow('properties.from_disk').waitFor()
  })

  test('keyboard: F5 runs, F10 steps, and neither reloads the page', async (t) => {
    if (!requireSystemPart(t, 'chromium')) return
    await ui.page.evaluate(() => ((globalThis as unknown as { keep: number }).keep = 42))
    const progress = ui.region('Debugger').getByText(/\d+ of \d+ stepped/)
    await ui.page.keyboard.press('F10')
    await progress.filter({ hasText: /^1 of/ }).waitFor()
    await ui.page.keyboard.press('F10')
    await progress.filter({ hasText: /^2 of/ }).waitFor()
    await ui.page.keyboard.press('F5')
    await ui.verdict().waitFor()
    assert.equal(await ui.page.evaluate(() => (globalThis as unknown as { keep?: number }).keep), 42)
    await ui.button('Run all').click()
    await ui.region('Debugger').getByText(/^(\d+) of \1 stepped$/).waitFor()
    // Any event's result can be shown in Output.
    await ui.region('Debugger').getByRole('listbox', { name: 'Events' }).getByRole('option').nth(1).click()
    await ui.output().getByText(/^Event 2 ·/).waitFor()
    await ui.verdict().waitFor()
    await ui.button('Reset').click()
    await progress.filter({ hasText: /^0 of/ }).waitFor()
    const markers = await ui.errorMarkers().count()
    if (markers) {
      await ui.errorMarkers().first().hover({ force: true })
      const hover = await ui.page.locator('.monaco-hover').allInnerTexts()
      assert.fail(`no error is left in the editor after a clean run, but there are ${markers}: ${hover.join(' | ')}`)
    }
    await session.screenshot('08-debugger')
  })

  test('"New plugin" works from every template, in TypeScript and JavaScript', async (t) => {
    if (!requireSystemPart(t, 'chromium')) return
    const templates = ['Event enrichment', 'Filter', 'Exporter', 'Scheduled task']
    let n = 0
    for (const language of ['TypeScript', 'JavaScript']) {
      for (const template of templates) {
        n++
        await ui.button('New plugin').click()
        const dialog = ui.page.getByRole('dialog', { name: 'New plugin' })
        await dialog.getByLabel('Plugin name').fill(`E2E ${template} ${language}`)
        await dialog.getByRole('radio', { name: new RegExp(template, 'i') }).check()
        await dialog.getByRole('radio', { name: language }).check()
        if (n === 1) await session.screenshot('09-new-plugin-dialog')
        await dialog.getByRole('button', { name: 'Create plugin' }).click()
        await dialog.waitFor({ state: 'detached' })
        await ui.region('Files').getByRole('button', { name: `E2E ${template} ${language}`, exact: true }).waitFor()
        await ui.waitForActiveFile(language === 'TypeScript' ? 'index.ts' : 'index.js')
        await ui.verdict().waitFor()
        const verdict = (await ui.verdict().textContent()) ?? ''
        assert.doesNotMatch(verdict, /Error/, `${template} (${language}) runs without errors`)
        assert.equal(await ui.output().getByRole('heading', { name: 'Errors' }).count(), 0)
      }
    }
    await session.screenshot('10-new-plugins')
  })

  test('files: create, rename and delete', async (t) => {
    if (!requireSystemPart(t, 'chromium')) return
    const files = ui.region('Files')
    await files.getByRole('button', { name: /^New file in Hello world$/ }).click()
    let dialog = ui.page.getByRole('dialog', { name: 'New file' })
    await dialog.getByRole('textbox').fill('helpers.js')
    await dialog.getByRole('button', { name: 'Create' }).click()
    await ui.waitForActiveFile('helpers.js')
    await files.getByRole('button', { name: 'Rename helpers.js' }).click()
    dialog = ui.page.getByRole('dialog', { name: 'Rename helpers.js' })
    // The name without its extension is preselected, as in file managers: typing replaces just that.
    await dialog.getByRole('textbox').click()
    await ui.page.keyboard.press('ControlOrMeta+A')
    await ui.page.keyboard.type('util.js')
    await dialog.getByRole('button', { name: 'Rename' }).click()
    await ui.waitForActiveFile('util.js')
    await files.getByRole('button', { name: 'Delete util.js' }).click()
    dialog = ui.page.getByRole('dialog', { name: 'Delete util.js?' })
    await dialog.getByRole('button', { name: 'Delete' }).click()
    await files.getByRole('button', { name: 'util.js', exact: true }).waitFor({ state: 'detached' })
    assert.equal(await ui.page.getByRole('tab', { name: /util\.js/ }).count(), 0)
  })

  test('settings are stored per workspace', async (t) => {
    if (!requireSystemPart(t, 'chromium')) return
    await ui.page.getByRole('button', { name: 'Settings', exact: true }).click()
    let dialog = ui.page.getByRole('dialog', { name: 'Workspace settings' })
    await dialog.getByLabel('Timeout per plugin call (ms)').fill('5000')
    await dialog.getByRole('radio', { name: 'Only these hosts' }).check()
    await dialog.getByLabel(/Allowed hosts/).fill('api.example.com')
    await session.screenshot('11-settings')
    await dialog.getByRole('button', { name: 'Save settings' }).click()
    await dialog.waitFor({ state: 'detached' })
    await ui.page.getByRole('button', { name: 'Settings', exact: true }).click()
    dialog = ui.page.getByRole('dialog', { name: 'Workspace settings' })
    assert.equal(await dialog.getByLabel('Timeout per plugin call (ms)').inputValue(), '5000')
    assert.equal(await dialog.getByLabel(/Allowed hosts/).inputValue(), 'api.example.com')
    await dialog.getByRole('button', { name: 'Cancel' }).click()
    await dialog.waitFor({ state: 'detached' })
  })

  test('Publish opens the publish dialog for the selected plugin', async (t) => {
    if (!requireSystemPart(t, 'chromium')) return
    await ui.button('Publish').click()
    const dialog = ui.page.getByRole('dialog', { name: /^Publish / })
    await dialog.waitFor()
    await session.screenshot('12-publish-dialog')
    await ui.page.keyboard.press('Escape')
    await dialog.waitFor({ state: 'detached' })
  })

  test('pane sizes are remembered across reloads', async (t) => {
    if (!requireSystemPart(t, 'chromium')) return
    const splitter = ui.page.getByRole('separator', { name: 'Resize Files' })
    const box = (await splitter.boundingBox())!
    await ui.page.mouse.move(box.x + box.width / 2, box.y + 200)
    await ui.page.mouse.down()
    await ui.page.mouse.move(box.x + 100, box.y + 200, { steps: 5 })
    await ui.page.mouse.up()
    const width = Number(await splitter.getAttribute('aria-valuenow'))
    assert.ok(width > 300, `dragged wider (${width})`)
    await ui.open(studio.url)
    assert.equal(Number(await ui.page.getByRole('separator', { name: 'Resize Files' }).getAttribute('aria-valuenow')), width)
  })

  test('made no request beyond 127.0.0.1 and logged no page errors', async (t) => {
    if (!requireSystemPart(t, 'chromium')) return
    assert.deepEqual(session.externalRequests, [])
    assert.deepEqual(session.pageErrors, [])
  })
})
