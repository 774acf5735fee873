// Breakpoints in browser mode, as a user sets them: a click left of a TypeScript line's number, Step
// pauses there (Paused in the Debugger and the status bar, the line highlighted), Step over twice, a
// local's value in Scopes, a watch expression and an evaluation, Continue, and the event's result shows.
// Then: a breakpoint follows its line through edits; a conditional one (right-click in the gutter)
// pauses only when its condition holds; Pause stops a long-running call inside its loop; "Open in
// Chrome DevTools" gives a URL a real CDP client connects to. Screenshots go to
// test-results/e2e/breakpoints-*.png.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import WebSocket from 'ws'
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

// Busy for about 4 s of real time (Date.now runs on in the sandbox), far below the 30 s time limit.
const LOOPER_CODE = `export function processEvent(event) {
  const until = Date.now() + 4000
  let spins = 0
  while (Date.now() < until) {
    spins++
  }
  event.properties = { ...event.properties, spins }
  return event
}
`
/** The lines of the loop's condition and body: a pause lands on one of them. */
const LOOP_LINES = [4, 5]
const EVENT_NAMES = ['$pageview', 'signup', '$pageview', 'signup', '$pageview', 'signup']

describe('breakpoints in the editor', () => {
  let studio: RunningStudio
  let session: BrowserSession
  let ui: StudioPage
  const debuggerPane = () => ui.region('Debugger')
  const banner = () => debuggerPane().getByRole('status', { name: 'Paused' })
  const FILE = `${PLUGIN}/index.ts`
  const stored = async () => JSON.parse(await readFile(path.join(studio.workspaceDir, '.plugin-studio', 'breakpoints.json'), 'utf8')) as unknown

  /** Polls until `check` holds (the page and the backend catch up on their own time). */
  async function until(what: string, check: () => Promise<boolean>): Promise<void> {
    const deadline = Date.now() + 20_000
    while (!(await check())) {
      if (Date.now() > deadline) assert.fail(`timed out waiting until ${what}`)
      await new Promise((r) => setTimeout(r, 100))
    }
  }

  /** Clicks in the glyph margin, left of the line's number. */
  async function clickGutter(line: number, button: 'left' | 'right' = 'left'): Promise<void> {
    const box = await ui.editor.locator('.line-numbers').filter({ hasText: new RegExp(`^${line}$`) }).boundingBox()
    assert.ok(box, `line ${line} is on screen`)
    const glyphs = await ui.editor.locator('.glyph-margin').boundingBox()
    assert.ok(glyphs, 'the editor has a glyph margin')
    await session.page.mouse.click(glyphs.x + glyphs.width / 2, box.y + box.height / 2, { button })
  }

  /** The lines that show a breakpoint glyph, by where the glyphs sit next to the line numbers. */
  async function glyphLines(): Promise<number[]> {
    type Box = { top: number; bottom: number; text: string }
    const boxes = (nodes: unknown[]) =>
      nodes.map((n) => {
        const node = n as { getBoundingClientRect(): { top: number; bottom: number }; textContent: string | null }
        const r = node.getBoundingClientRect()
        return { top: r.top, bottom: r.bottom, text: node.textContent ?? '' }
      })
    const numbers: Box[] = await ui.editor.locator('.line-numbers').evaluateAll(boxes)
    const glyphs: Box[] = await ui.editor.locator('.breakpoint-glyph').evaluateAll(boxes)
    return glyphs.map((g) => Number(numbers.find((n) => (g.top + g.bottom) / 2 >= n.top && (g.top + g.bottom) / 2 < n.bottom)?.text)).sort((a, b) => a - b)
  }

  before(async () => {
    if (!hasSystemPart('chromium')) return
    studio = await startStudio()
    const dir = studio.workspaceDir
    await mkdir(path.join(dir, PLUGIN), { recursive: true })
    await writeFile(path.join(dir, PLUGIN, 'plugin.json'), JSON.stringify({ name: 'TS scorer', main: 'index.ts', config: [] }, null, 2))
    await writeFile(path.join(dir, PLUGIN, 'index.ts'), PLUGIN_CODE)
    await mkdir(path.join(dir, 'events'), { recursive: true })
    await mkdir(path.join(dir, 'looper'), { recursive: true })
    await writeFile(path.join(dir, 'looper', 'plugin.json'), JSON.stringify({ name: 'Looper', main: 'index.js', config: [] }, null, 2))
    await writeFile(path.join(dir, 'looper', 'index.js'), LOOPER_CODE)
    const events = EVENT_NAMES.map((name, i) => ({ uuid: `0190b000-0000-7000-8000-00000000000${i}`, event: name, distinct_id: `u${i}`, timestamp: '2024-05-01T10:00:00.000Z', properties: {} }))
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
    await debuggerPane().getByText(/^0 of 6 stepped$/).waitFor()

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
    // The scopes are read again after each pause (the banner may show the new line first): wait for
    // the values of this frame, not whatever the previous pause showed.
    const scopes = debuggerPane().getByRole('region', { name: 'Scopes' })
    const extra = scopes.getByRole('treeitem', { name: 'extra' })
    await extra.locator('.var-value').first().filter({ hasText: /^2$/ }).waitFor()
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
    await debuggerPane().getByText(/^1 of 6 stepped$/).waitFor()
    await ui.page.getByRole('region', { name: /^Event 1 stages$/ }).getByText('properties.total').first().waitFor()
    await session.screenshot('breakpoints-04-continued')
  })

  test('a breakpoint follows its line when a line is inserted above, reaches the runtime on save, and goes with a deleted line', async (t) => {
    if (!requireSystemPart(t, 'chromium')) return
    assert.deepEqual(await glyphLines(), [LINE.base])
    await ui.editor.locator('.view-line').filter({ hasText: 'export function processEvent' }).click()
    await ui.page.keyboard.press('End')
    await ui.page.keyboard.press('Enter')
    await ui.page.keyboard.type('const early: number = 1')
    const moved = LINE.base + 1
    await until(`the breakpoint glyph is on line ${moved}`, async () => (await glyphLines()).join() === String(moved))
    // Unsaved: the runtime runs the saved code, so its breakpoint stays on the saved line for now.
    assert.deepEqual(await stored(), [{ file: FILE, line: LINE.base }])
    await session.screenshot('breakpoints-05-moved-while-typing')
    await ui.save()
    await until('the moved breakpoint is stored', async () => JSON.stringify(await stored()) === JSON.stringify([{ file: FILE, line: moved }]))
    // A save reruns the selected event with the new code: it stops on the moved line already.
    const onMoved = banner().filter({ hasText: new RegExp(`at ${PLUGIN}/index\\.ts:${moved}\\b`) })
    await onMoved.waitFor()
    await ui.button('Continue', debuggerPane()).click()
    await banner().waitFor({ state: 'detached' })

    await ui.button('Step', debuggerPane()).click()
    await onMoved.waitFor()
    await ui.editor.locator('.paused-line').waitFor()
    await session.screenshot('breakpoints-06-paused-on-moved-line')
    await ui.button('Continue', debuggerPane()).click()
    await banner().waitFor({ state: 'detached' })
    await debuggerPane().getByText(/^2 of 6 stepped$/).waitFor()

    // A breakpoint on the inserted line; deleting that line takes it along and the other moves back up.
    await clickGutter(LINE.base)
    await until('two breakpoint glyphs show', async () => (await glyphLines()).join() === `${LINE.base},${moved}`)
    await ui.editor.locator('.view-line').filter({ hasText: 'const early' }).click()
    await ui.page.keyboard.press('ControlOrMeta+Shift+K')
    await until('one breakpoint glyph is left, back on its first line', async () => (await glyphLines()).join() === String(LINE.base))
    await debuggerPane().getByText('1 breakpoint: Step pauses there').waitFor()
    await ui.save()
    await until('the breakpoints are stored with the line deleted', async () => JSON.stringify(await stored()) === JSON.stringify([{ file: FILE, line: LINE.base }]))
    // The save's rerun stops there again.
    await banner().filter({ hasText: new RegExp(`at ${PLUGIN}/index\\.ts:${LINE.base}\\b`) }).waitFor()
    await ui.button('Continue', debuggerPane()).click()
    await banner().waitFor({ state: 'detached' })
    assert.equal(await readFile(path.join(studio.workspaceDir, PLUGIN, 'index.ts'), 'utf8'), PLUGIN_CODE)
  })

  test('a conditional breakpoint set by a right-click in the gutter pauses only when its condition is true', async (t) => {
    if (!requireSystemPart(t, 'chromium')) return
    await clickGutter(LINE.base)
    await debuggerPane().getByText('Click left of a line number in the editor to set a breakpoint').waitFor()
    await clickGutter(LINE.total, 'right')
    const dialog = ui.page.getByRole('dialog', { name: `Breakpoint condition — ${FILE}:${LINE.total}` })
    await dialog.getByRole('textbox', { name: 'Condition' }).fill('event.event === "signup"')
    await session.screenshot('breakpoints-07-condition-dialog')
    await dialog.getByRole('button', { name: 'Save condition' }).click()
    await dialog.waitFor({ state: 'detached' })
    await ui.editor.locator('.breakpoint-glyph.conditional').waitFor()
    assert.deepEqual(await glyphLines(), [LINE.total])
    assert.deepEqual(await stored(), [{ file: FILE, line: LINE.total, condition: 'event.event === "signup"' }])

    // Event 3 is a $pageview: it runs through.
    await ui.button('Step', debuggerPane()).click()
    await debuggerPane().getByText(/^3 of 6 stepped$/).waitFor()
    assert.equal(await banner().count(), 0, 'the condition is false: no pause')
    // Event 4 is a signup: it stops there.
    await ui.button('Step', debuggerPane()).click()
    await banner().filter({ hasText: new RegExp(`at ${PLUGIN}/index\\.ts:${LINE.total}\\b.*\\(breakpoint\\)`) }).waitFor()
    await session.screenshot('breakpoints-08-conditional-paused')
    await ui.button('Continue', debuggerPane()).click()
    await banner().waitFor({ state: 'detached' })
    await debuggerPane().getByText(/^4 of 6 stepped$/).waitFor()
  })

  test('Pause stops a slow call inside its loop; Continue lets it finish', async (t) => {
    if (!requireSystemPart(t, 'chromium')) return
    // The conditional breakpoint keeps the studio in debug mode, which Pause needs.
    await ui.selectPlugin('Looper')
    await ui.waitForActiveFile('index.js')
    await debuggerPane().getByRole('combobox', { name: 'Event file' }).selectOption({ label: 'events/two.jsonl' })
    const pause = ui.button('Pause', debuggerPane())
    assert.equal(await pause.isDisabled(), true, 'nothing runs yet')
    await ui.button('Step', debuggerPane()).click()
    // Clicked at once, Pause may find the call before its loop (its first statement): then Continue
    // and Pause again, as a user would.
    let text = ''
    for (let attempt = 0; attempt < 3; attempt++) {
      if (attempt > 0) {
        await ui.button('Continue', debuggerPane()).click()
        await banner().waitFor({ state: 'detached' })
      }
      await pause.click()
      await banner().waitFor()
      text = (await banner().textContent()) ?? ''
      const at = /at looper\/index\.js:(\d+)\b/.exec(text)
      assert.ok(at, `paused in the plugin: ${text}`)
      if (LOOP_LINES.includes(Number(at[1]))) break
    }
    assert.match(text, new RegExp(`at looper/index\\.js:(${LOOP_LINES.join('|')})\\b`), 'paused inside the loop')
    await ui.editor.locator('.paused-line').waitFor()
    await session.screenshot('breakpoints-09-paused-by-pause')
    await ui.button('Continue', debuggerPane()).click()
    await banner().waitFor({ state: 'detached' })
    await ui.page.getByRole('region', { name: /^Event \d+ stages$/ }).getByText('properties.spins').first().waitFor()
    await session.screenshot('breakpoints-10-loop-finished')
  })

  test('Open in Chrome DevTools shows a copyable URL whose endpoint answers a CDP client, and refuses a wrong token', async (t) => {
    if (!requireSystemPart(t, 'chromium')) return
    const origin = new URL(studio.url).origin
    await session.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin })
    await ui.button('Open in Chrome DevTools', debuggerPane()).click()
    const field = debuggerPane().getByRole('textbox', { name: 'DevTools URL' })
    await field.waitFor()
    const url = await field.inputValue()
    const ws = /^devtools:\/\/devtools\/bundled\/inspector\.html\?ws=(127\.0\.0\.1:(\d+)\/[\w-]+)$/.exec(url)
    assert.ok(ws, `a DevTools URL on 127.0.0.1 with a token: ${url}`)
    await ui.button('Copy DevTools URL', debuggerPane()).click()
    await ui.button('Copied', debuggerPane()).waitFor()
    assert.equal(await ui.page.evaluate(() => (globalThis as unknown as { navigator: { clipboard: { readText(): Promise<string> } } }).navigator.clipboard.readText()), url)
    await session.screenshot('breakpoints-11-devtools-url')

    const refused = new WebSocket(`ws://127.0.0.1:${ws[2]}/not-the-token`)
    const status = await new Promise<number>((resolve) => refused.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)).on('error', () => resolve(-1)))
    assert.equal(status, 401)

    const socket = new WebSocket(`ws://${ws[1]}`)
    try {
      await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject))
      const contexts: { id: number; name: string }[] = []
      const answer = new Promise<{ result?: { result?: { value?: unknown } } }>((resolve) =>
        socket.on('message', (data) => {
          const message = JSON.parse(String(data)) as { id?: number; method?: string; params?: { context: { id: number; name: string } } }
          if (message.method === 'Runtime.executionContextCreated') contexts.push(message.params!.context)
          if (message.id === 2) resolve(message as { result?: { result?: { value?: unknown } } })
        }),
      )
      // As DevTools starts: Runtime.enable names the contexts (the plugin's is not the isolate's default).
      socket.send(JSON.stringify({ id: 1, method: 'Runtime.enable' }))
      // isolated-vm 6.2 may hold an idle isolate's inspector messages until the next one arrives (see
      // runtime/debug/debug-calls.ts); DevTools itself keeps sending, so the test sends no-ops too.
      let noop = 100
      await until('the plugin isolate reports its contexts', async () => {
        if (contexts.length >= 2) return true
        socket.send(JSON.stringify({ id: noop++, method: 'Runtime.getIsolateId' }))
        return false
      })
      const contextId = contexts.find((c) => c.name !== 'default')?.id ?? contexts[contexts.length - 1].id
      socket.send(JSON.stringify({ id: 2, method: 'Runtime.evaluate', params: { expression: 'String(6 * 7)', contextId } }))
      const got = await answer
      assert.equal(got.result?.result?.value, '42', JSON.stringify(got))
    } finally {
      socket.close()
    }
  })
})
