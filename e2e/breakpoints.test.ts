// Breakpoints in browser mode, as a user sets them: a click left of a TypeScript line's number, Step
// pauses there (Paused in the Debugger and the status bar, the line highlighted), Step over twice, a
// local's value in Scopes, a watch expression and an evaluation, Continue, and the event's result shows. Screenshots go to
// test-results/e2e/breakpoints-*.png.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { hasSystemPart, requireSystemPart } from '../test-support/system-parts.ts'
import { openBrowser, type BrowserSession } from './support/browser.ts'
import { StudioPage } from './support/studio-page.ts'
import { startStudio, type RunningStudio } from './support/studio-server.ts'

const PLUGIN = 'ts-scorer'

const PLUGIN_CODE = `interface Scored {
  event: string
  properties?: Record<string, unknown>
}

export function processEvent(event: Scored): Scored {
  const base: number = event.event.length * 10
  const extra: number = 2
  const total: number = base + extra
  event.properties = { ...event.properties, total }
  return event
}
`
/** 1-based lines of PLUGIN_CODE. */
const LINE = { base: 7, extra: 8, total: 9 }

describe('breakpoints in the editor', () => {
  let studio: RunningStudio
  let session: BrowserSession
  let ui: StudioPage
  const debuggerPane = () => ui.region('Debugger')
  const banner = () => debuggerPane().getByRole('status', { name: 'Paused' })

  before(async () => {
    if (!hasSystemPart('chromium')) return
    studio = await startStudio()
    const dir = studio.workspaceDir
    await mkdir(path.join(dir, PLUGIN), { recursive: true })
    await writeFile(path.join(dir, PLUGIN, 'plugin.json'), JSON.stringify({ name: 'TS scorer', main: 'index.ts', config: [] }, null, 2))
    await writeFile(path.join(dir, PLUGIN, 'index.ts'), PLUGIN_CODE)
    await mkdir(path.join(dir, 'events'), { recursive: true })
    const events = ['$pageview', 'signup'].map((name, i) => ({ uuid: `0190b000-0000-7000-8000-00000000000${i}`, event: name, distinct_id: `u${i}`, timestamp: '2024-05-01T10:00:00.000Z', properties: {} }))
    await writeFile(path.join(dir, 'events', 'two.jsonl'), events.map((e) => JSON.stringify(e)).join('\n') + '\n')
    session = await openBrowser()
    ui = new StudioPage(session.page)
    await session.context.addInitScript(() => {
      ;(globalThis as unknown as { localStorage: { setItem(k: string, v: string): void } }).localStorage.setItem(
        'plugin-studio:layout',
        JSON.stringify({ filesWidth: 200, sideWidth: 620, outputHeight: 200, configHeight: 90 }),
      )
    })
  })
  after(async () => {
    await session?.screenshot('breakpoints-99-last-state').catch(() => undefined)
    await session?.close()
    await studio?.close()
  })

  test('a breakpoint in TypeScript source: Step pauses there, step over two lines, read a value, continue', async (t) => {
    if (!requireSystemPart(t, 'chromium')) return
    await ui.open(studio.url)
    await ui.selectPlugin('TS scorer')
    await ui.waitForActiveFile('index.ts')
    await debuggerPane().getByRole('combobox', { name: 'Event file' }).selectOption({ label: 'events/two.jsonl' })
    await debuggerPane().getByText(/^0 of 2 stepped$/).waitFor()

    // Click in the glyph margin, left of the line number.
    const lineNumber = ui.editor.locator('.line-numbers').filter({ hasText: new RegExp(`^${LINE.base}$`) })
    const box = await lineNumber.boundingBox()
    assert.ok(box, 'the line number is on screen')
    const glyphs = await ui.editor.locator('.glyph-margin').boundingBox()
    assert.ok(glyphs, 'the editor has a glyph margin')
    await session.page.mouse.click(glyphs.x + glyphs.width / 2, box.y + box.height / 2)
    await ui.editor.locator('.breakpoint-glyph').waitFor()
    await debuggerPane().getByText('1 breakpoint: Step pauses there').waitFor()
    await session.screenshot('breakpoints-01-set')
    const stored = JSON.parse(await readFile(path.join(studio.workspaceDir, '.plugin-studio', 'breakpoints.json'), 'utf8')) as unknown
    assert.deepEqual(stored, [{ file: `${PLUGIN}/index.ts`, line: LINE.base }])

    await ui.button('Step', debuggerPane()).click()
    await banner().waitFor()
    assert.match((await banner().textContent()) ?? '', new RegExp(`at ${PLUGIN}/index\\.ts:${LINE.base}\\b`))
    await session.page.locator('.statusbar').getByText(`Paused in ${PLUGIN}`).waitFor()
    await ui.editor.locator('.paused-line').waitFor()
    await debuggerPane().getByRole('region', { name: 'Call stack' }).getByText('processEvent').waitFor()
    await session.screenshot('breakpoints-02-paused')

    for (const line of [LINE.extra, LINE.total]) {
      await ui.button('Step over', debuggerPane()).click()
      await banner().filter({ hasText: new RegExp(`index\\.ts:${line}\\b`) }).waitFor()
    }
    const scopes = debuggerPane().getByRole('region', { name: 'Scopes' })
    const extra = scopes.getByRole('treeitem', { name: 'extra' })
    assert.equal(await extra.locator('.var-value').first().textContent(), '2')
    const base = scopes.getByRole('treeitem', { name: 'base' })
    assert.equal(await base.locator('.var-value').first().textContent(), '90', "'$pageview'.length * 10")
    // A watch expression and the evaluate box, in the paused frame.
    await debuggerPane().getByRole('textbox', { name: 'Add watch expression' }).fill('base * 2 + extra')
    await debuggerPane().getByRole('textbox', { name: 'Add watch expression' }).press('Enter')
    await debuggerPane().getByRole('region', { name: 'Watch' }).getByText('182', { exact: true }).waitFor()
    await debuggerPane().getByRole('textbox', { name: 'Evaluate in the paused frame' }).fill('event.event.toUpperCase()')
    await debuggerPane().getByRole('textbox', { name: 'Evaluate in the paused frame' }).press('Enter')
    await debuggerPane().getByRole('region', { name: 'Evaluate' }).getByText('"$PAGEVIEW"').waitFor()
    await session.screenshot('breakpoints-03-stepped-scopes')

    await ui.button('Continue', debuggerPane()).click()
    await banner().waitFor({ state: 'detached' })
    await debuggerPane().getByText(/^1 of 2 stepped$/).waitFor()
    await ui.page.getByRole('region', { name: /^Event 1 stages$/ }).getByText('properties.total').first().waitFor()
    await session.screenshot('breakpoints-04-continued')
  })
})
