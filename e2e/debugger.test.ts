// The Debugger pane in browser mode, driven like a user would: event files (import CSV and JSON
// Lines with bad lines, edit and save an event), Step with per-stage diffs and logs, a dropping
// plugin, Run all with progress and Stop over 1,000 events, Reset, filter, export, and a 100,000-event
// file. Screenshots go to test-results/e2e/debugger-*.png.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { hasSystemPart, requireSystemPart } from '../test-support/system-parts.ts'
import { openBrowser, type BrowserSession } from './support/browser.ts'
import { StudioPage } from './support/studio-page.ts'
import { startStudio, type RunningStudio } from './support/studio-server.ts'

const PLUGIN = 'debug-fixture'

/** Adds a property, counts in cache and storage, logs, drops "bot visit", throws on `explode`, busy-waits on `slow`. */
const PLUGIN_CODE = `
export function setupPlugin({ global }) {
  global.seen = 0
  console.info('setup ran')
}

export async function processEvent(event, { cache, storage, global }) {
  if (event.event === 'bot visit') {
    console.info('dropping a bot')
    return null
  }
  if (event.properties && event.properties.slow) {
    const until = Date.now() + 3
    while (Date.now() < until) {}
  }
  if (event.properties && event.properties.explode) throw new Error('boom on purpose')
  global.seen += 1
  const count = await cache.incr('seen')
  await storage.set('last', event.event)
  console.info('processing ' + event.event)
  if (event.event === 'warned') console.warn('this one looks odd')
  const { $ip, ...rest } = event.properties || {}
  return { ...event, properties: { ...rest, seen_by_fixture: true, count, nested: { global_seen: global.seen } } }
}

export function onEvent(event) {
  console.log('onEvent saw ' + event.event)
}
`

const event = (name: string, properties: Record<string, unknown> = {}, i = 0) => ({
  uuid: `0190a000-0000-7000-8000-${String(i).padStart(12, '0')}`,
  event: name,
  distinct_id: `user-${i}`,
  timestamp: '2024-05-01T10:00:00.000Z',
  properties: { $ip: '10.0.0.1', ...properties },
})

const jsonl = (events: unknown[]) => events.map((e) => JSON.stringify(e)).join('\n') + '\n'

describe('the Debugger pane', () => {
  let studio: RunningStudio
  let session: BrowserSession
  let ui: StudioPage
  let importDir: string
  const debuggerPane = () => ui.region('Debugger')
  const stepped = () => debuggerPane().getByText(/[\d,]+ of [\d,]+ stepped/)
  const stages = () => ui.page.getByRole('region', { name: /^Event \d+ stages$/ })

  async function chooseEventFile(label: string): Promise<void> {
    const select = debuggerPane().getByRole('combobox', { name: 'Event file' })
    await select.selectOption({ label })
  }

  before(async () => {
    if (!hasSystemPart('chromium')) return
    studio = await startStudio()
    const dir = studio.workspaceDir
    await mkdir(path.join(dir, PLUGIN), { recursive: true })
    await writeFile(path.join(dir, PLUGIN, 'plugin.json'), JSON.stringify({ name: 'Debug fixture', main: 'index.js', config: [] }, null, 2))
    await writeFile(path.join(dir, PLUGIN, 'index.js'), PLUGIN_CODE)
    await mkdir(path.join(dir, 'events'), { recursive: true })
    await writeFile(
      path.join(dir, 'events', 'steps.jsonl'),
      jsonl([event('$pageview', { $current_url: 'https://shop.example/' }, 1), event('bot visit', {}, 2), event('warned', { plan: 'pro' }, 3), event('broken', { explode: true }, 4)]),
    )
    await writeFile(path.join(dir, 'events', 'thousand.jsonl'), jsonl(Array.from({ length: 1000 }, (_, i) => event(i % 2 ? '$autocapture' : '$pageview', { slow: true, n: i }, i))))
    const generated = spawnSync(process.execPath, ['scripts/generate-events.ts', '--count', '100000', '--seed', '7', '--out', path.join(dir, 'events', 'big-100k.jsonl')], { encoding: 'utf8' })
    assert.equal(generated.status, 0, generated.stderr)
    importDir = path.join(path.dirname(dir), 'to-import')
    await mkdir(importDir, { recursive: true })
    session = await openBrowser()
    ui = new StudioPage(session.page)
    // Room for the Debugger: a wider side column and a short Configuration pane (sizes a user can drag).
    await session.context.addInitScript(() => {
      ;(globalThis as unknown as { localStorage: { setItem(k: string, v: string): void } }).localStorage.setItem(
        'plugin-studio:layout',
        JSON.stringify({ filesWidth: 200, sideWidth: 560, outputHeight: 240, configHeight: 110 }),
      )
    })
  })
  after(async () => {
    await session?.screenshot('debugger-99-last-state').catch(() => undefined)
    await session?.close()
    await studio?.close()
  })

  test('Step through events: per-stage diffs and logs, a dropped event, an error', async (t) => {
    if (!requireSystemPart(t, 'chromium')) return
    await ui.open(studio.url)
    await ui.selectPlugin('Debug fixture')
    await ui.waitForActiveFile('index.js')
    await chooseEventFile('events/steps.jsonl')
    await stepped().filter({ hasText: /^0 of 4 stepped$/ }).waitFor()

    await ui.button('Step', debuggerPane()).click()
    await stepped().filter({ hasText: /^1 of 4/ }).waitFor()
    const process1 = stages().getByRole('article', { name: `processEvent · ${PLUGIN}` })
    const changes = process1.getByRole('table', { name: `Changes by ${PLUGIN}` })
    await changes.waitFor()
    const kinds = await changes.getByRole('row').evaluateAll((rows) => rows.map((r) => `${(r as unknown as { dataset: Record<string, string> }).dataset.diffKind} ${r.textContent}`))
    assert.ok(kinds.some((k) => k.startsWith('added') && k.includes('properties.seen_by_fixture')), kinds.join('\n'))
    assert.ok(kinds.some((k) => k.startsWith('added') && k.includes('properties.nested')), 'a nested object is added')
    assert.ok(kinds.some((k) => k.startsWith('removed') && k.includes('properties.$ip')), 'a removed property')
    await process1.getByRole('list', { name: /Logs of processEvent/ }).getByText('processing $pageview').waitFor()
    await stages().getByRole('article', { name: `onEvent · ${PLUGIN}` }).getByText('onEvent saw $pageview').waitFor()
    await stages().getByRole('article', { name: 'Final event' }).getByRole('table', { name: 'Changes from the input' }).waitFor()
    // The cache and storage operations of the stage.
    const ops = process1.getByRole('table', { name: /Cache and storage/ })
    assert.match((await ops.textContent()) ?? '', /cache.*seen.*storage.*last/s)
    await session.screenshot('debugger-01-step-diff')

    await ui.button('Step', debuggerPane()).click()
    await stepped().filter({ hasText: /^2 of 4/ }).waitFor()
    await stages().getByText(`dropped by ${PLUGIN}`, { exact: true }).waitFor()
    await stages().getByRole('article', { name: 'Dropped' }).getByText(`Dropped by ${PLUGIN}`).waitFor()
    await stages().getByText('dropping a bot').waitFor()
    await session.screenshot('debugger-02-dropped')

    await ui.button('Step', debuggerPane()).click()
    await stepped().filter({ hasText: /^3 of 4/ }).waitFor()
    await stages().locator('.log-warn').getByText('this one looks odd').waitFor()
    await ui.button('Step', debuggerPane()).click()
    await stepped().filter({ hasText: /^4 of 4/ }).waitFor()
    const failed = stages().getByRole('article', { name: `processEvent · ${PLUGIN}` })
    await failed.getByText(/boom on purpose/).first().waitFor()
    // The stack frame links to the plugin's source line.
    await failed.getByRole('button', { name: /index\.js:\d+:\d+/ }).first().waitFor()
    await session.screenshot('debugger-03-error-stack')
  })

  test('filter the run by errors, by text, by level and dropped; export it as JSON Lines', async (t) => {
    if (!requireSystemPart(t, 'chromium')) return
    const list = debuggerPane().getByRole('listbox', { name: 'Events' })
    await debuggerPane().getByLabel('Errors only').check()
    await list.getByRole('option').first().waitFor()
    assert.deepEqual(await list.getByRole('option').locator('.event-name').allTextContents(), ['broken'])
    await debuggerPane().getByText('1 of 4 match').waitFor()
    await session.screenshot('debugger-04-filter-errors')
    await debuggerPane().getByLabel('Errors only').uncheck()
    await debuggerPane().getByLabel('Dropped only').check()
    await list.getByRole('option').filter({ hasText: 'bot visit' }).waitFor()
    assert.equal(await list.getByRole('option').count(), 1)
    await debuggerPane().getByLabel('Dropped only').uncheck()
    await debuggerPane().getByLabel('Log level').selectOption('warn')
    await list.getByRole('option').filter({ hasText: 'warned' }).waitFor()
    assert.equal(await list.getByRole('option').count(), 1)
    await debuggerPane().getByLabel('Log level').selectOption('')
    await debuggerPane().getByLabel('Search the run').fill('shop.example')
    await list.getByRole('option').filter({ hasText: '$pageview' }).waitFor()
    assert.equal(await list.getByRole('option').count(), 1)
    await debuggerPane().getByLabel('Search the run').fill('')
    await list.getByRole('option').nth(3).waitFor()

    const [download] = await Promise.all([ui.page.waitForEvent('download'), ui.button('Export run', debuggerPane()).click()])
    assert.match(download.suggestedFilename(), /^run-steps-.*\.jsonl$/)
    const lines = (await readFile(await download.path(), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { index: number; droppedBy: string | null; error: string | null; stages: unknown[] })
    assert.equal(lines.length, 4)
    assert.deepEqual(lines.map((l) => l.index), [0, 1, 2, 3])
    assert.equal(lines[1].droppedBy, PLUGIN)
    assert.match(lines[3].error ?? '', /boom on purpose/)
    assert.ok(lines[0].stages.length >= 2)
  })

  test('import a PostHog CSV export and a JSON Lines file: bad rows named, good ones imported', async (t) => {
    if (!requireSystemPart(t, 'chromium')) return
    const csv = [
      'uuid,event,distinct_id,timestamp,properties.$current_url,properties.$browser,person.properties.email',
      '0190b000-0000-7000-8000-000000000001,$pageview,ada,2024-05-02T09:00:00.000Z,https://shop.example/cart,Chrome,ada@example.com',
      '0190b000-0000-7000-8000-000000000002,,bob,2024-05-02T09:01:00.000Z,https://shop.example/,Firefox,',
      '0190b000-0000-7000-8000-000000000003,signed up,cy,2024-05-02T09:02:00.000Z,,Safari,cy@example.com',
    ].join('\n')
    await writeFile(path.join(importDir, 'posthog-export.csv'), csv)
    const input = debuggerPane().locator('input[type=file]')
    await input.setInputFiles(path.join(importDir, 'posthog-export.csv'))
    const report = debuggerPane().getByRole('status', { name: 'Import report' })
    await report.getByText(/Imported 2 events from posthog-export\.csv into events\/posthog-export\.jsonl; 1 bad row left out/).waitFor()
    await report.getByText(/Line 3: row 2: no event name/).waitFor()
    await stepped().filter({ hasText: /^0 of 2 stepped$/ }).waitFor()
    const stored = (await readFile(path.join(studio.workspaceDir, 'events', 'posthog-export.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l))
    assert.deepEqual(stored[0].properties, { $current_url: 'https://shop.example/cart', $browser: 'Chrome' })
    assert.deepEqual(stored[0].person, { properties: { email: 'ada@example.com' } })
    assert.equal(stored[1].event, 'signed up')
    await session.screenshot('debugger-05-import-csv')

    await writeFile(path.join(importDir, 'mixed.jsonl'), `${JSON.stringify(event('first', {}, 11))}\n{"event": "half\n${JSON.stringify(event('third', {}, 13))}\n`)
    await input.setInputFiles(path.join(importDir, 'mixed.jsonl'))
    await report.getByText(/Imported 2 events from mixed\.jsonl into events\/mixed\.jsonl; 1 bad line left out/).waitFor()
    await report.getByText(/Line 2: not valid JSON/).waitFor()
    const options = debuggerPane().getByRole('listbox', { name: 'Events' }).getByRole('option')
    await options.filter({ hasText: 'third' }).waitFor()
    assert.deepEqual(await options.locator('.event-name').allTextContents(), ['first', 'third'])
    await session.screenshot('debugger-06-import-jsonl')
    // A file dropped into events/ by something else shows up in the list.
    await writeFile(path.join(studio.workspaceDir, 'events', 'outside.jsonl'), jsonl([event('from outside', {}, 21)]))
    await debuggerPane().getByRole('combobox', { name: 'Event file' }).locator('option', { hasText: 'events/outside.jsonl' }).waitFor({ state: 'attached' })
  })

  test('edit an event in a JSON editor with validation, and save it to the file', async (t) => {
    if (!requireSystemPart(t, 'chromium')) return
    await debuggerPane().getByRole('option').filter({ hasText: 'third' }).click()
    await ui.button('Edit event', debuggerPane()).click()
    const dialog = ui.page.getByRole('dialog', { name: 'Edit event 2' })
    const editor = dialog.locator('.monaco-editor').first()
    await editor.locator('.view-lines').waitFor()
    const paste = async (text: string) => {
      await editor.locator('.view-lines').click()
      await ui.page.keyboard.press('ControlOrMeta+A')
      await editor.locator('textarea.inputarea, .native-edit-context').first().evaluate((target, pasted) => {
        const page = globalThis as unknown as { DataTransfer: new () => { setData(t: string, v: string): void }; ClipboardEvent: new (t: string, i: object) => Event }
        const data = new page.DataTransfer()
        data.setData('text/plain', pasted)
        target.dispatchEvent(new page.ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }))
      }, text)
    }
    await paste('{\n  "event": "third",\n  "distinct_id": "user-13",\n  "properties": { "plan": "pro", }\n}')
    await dialog.getByRole('list', { name: 'Event problems' }).getByText(/^Line 4, column \d+: /).waitFor()
    assert.equal(await ui.button('Save event', dialog).isDisabled(), true)
    await paste('{\n  "distinct_id": "user-13"\n}')
    await dialog.getByText(/Line 1, column 1: The event needs an "event" name/).waitFor()
    await session.screenshot('debugger-07-edit-invalid')
    await paste('{\n  "event": "third edited",\n  "distinct_id": "user-13",\n  "properties": { "plan": "pro" }\n}')
    await dialog.getByRole('list', { name: 'Event problems' }).waitFor({ state: 'detached' })
    await ui.button('Save event', dialog).click()
    await dialog.waitFor({ state: 'detached' })
    await debuggerPane().getByRole('option').filter({ hasText: 'third edited' }).waitFor()
    const lines = (await readFile(path.join(studio.workspaceDir, 'events', 'mixed.jsonl'), 'utf8')).trim().split('\n')
    assert.equal(lines.length, 2, 'the bad line was left out at import; the file holds the two good events')
    assert.deepEqual(JSON.parse(lines[1]), { event: 'third edited', distinct_id: 'user-13', properties: { plan: 'pro' } })
    assert.deepEqual(JSON.parse(lines[0]).event, 'first', 'the other line is unchanged')
    await session.screenshot('debugger-08-edit-saved')
  })

  test('Run all over 1,000 events shows progress, Stop stops it, Reset clears state and runs setup again', async (t) => {
    if (!requireSystemPart(t, 'chromium')) return
    await chooseEventFile('events/thousand.jsonl')
    await stepped().filter({ hasText: /^0 of 1,000 stepped$/ }).waitFor()
    await ui.button('Run all', debuggerPane()).click()
    const bar = debuggerPane().getByRole('progressbar', { name: 'Run all progress' })
    await bar.waitFor()
    await ui.button('Stop', debuggerPane()).click()
    await session.screenshot('debugger-09-run-all-stopping')
    await bar.waitFor({ state: 'detached' })
    const stoppedAt = Number(((await stepped().textContent()) ?? '').replace(/,/g, '').split(' ')[0])
    assert.ok(stoppedAt > 0 && stoppedAt < 1000 && stoppedAt % 100 === 0, `stopped between batches, at ${stoppedAt}`)

    await ui.button('Run all', debuggerPane()).click()
    await bar.waitFor()
    await session.screenshot('debugger-10-run-all-progress')
    await stepped().filter({ hasText: /^1,000 of 1,000 stepped$/ }).waitFor({ timeout: 120_000 })
    await bar.waitFor({ state: 'detached' })
    // The last event is shown; the cache counter went up across the whole run.
    await stages().getByRole('article', { name: `processEvent · ${PLUGIN}` }).getByText('properties.count').waitFor()
    const storageDir = path.join(studio.workspaceDir, '.plugin-studio', 'storage')
    assert.ok((await readdir(storageDir).catch(() => [])).length > 0, 'the plugin wrote meta.storage')
    await session.screenshot('debugger-11-run-all-done')

    await ui.button('Reset', debuggerPane()).click()
    await stepped().filter({ hasText: /^0 of 1,000 stepped$/ }).waitFor()
    await ui.page.getByText(/Reset: cleared globals, storage, cache; setupPlugin ran again/).waitFor()
    assert.deepEqual(await readdir(storageDir).catch(() => []), [], 'meta.storage is cleared')
    await ui.button('Step', debuggerPane()).click()
    await stepped().filter({ hasText: /^1 of 1,000/ }).waitFor()
    const diff = stages().getByRole('table', { name: `Changes by ${PLUGIN}` })
    // A fresh cache counts from 1 and fresh globals from 1.
    await diff.getByRole('row').filter({ hasText: 'properties.count' }).filter({ hasText: /^\W*properties\.count1$/ }).waitFor()
    await diff.getByRole('row').filter({ hasText: 'properties.nested' }).filter({ hasText: '{"global_seen":1}' }).waitFor()
  })

  test('a two-plugin pipeline: each processEvent is a stage, and a dropped event stops at the plugin that dropped it', async (t) => {
    if (!requireSystemPart(t, 'chromium')) return
    await chooseEventFile('events/steps.jsonl')
    await debuggerPane().getByRole('combobox', { name: 'Add a plugin to the pipeline' }).selectOption({ label: 'Hello world' })
    await debuggerPane().getByRole('group', { name: 'Pipeline' }).getByText('Hello world').waitFor()
    await ui.button('Step', debuggerPane()).click()
    await stepped().filter({ hasText: /^1 of 4/ }).waitFor()
    const articles = stages().getByRole('article')
    await stages().getByRole('table', { name: 'Changes by hello-world' }).getByText('properties.greeting').waitFor()
    const order = await articles.evaluateAll((nodes) => nodes.map((n) => n.getAttribute('aria-label')))
    const processes = order.filter((name) => name?.startsWith('processEvent'))
    assert.deepEqual(processes, [`processEvent · ${PLUGIN}`, 'processEvent · hello-world'])
    assert.ok(order.indexOf('Final event') > order.indexOf('processEvent · hello-world'), order.join(', '))
    assert.ok(order.indexOf(`onEvent · ${PLUGIN}`) > order.indexOf('Final event'), order.join(', '))
    // Hello world sees the event as the fixture left it: its diff holds only its own change.
    assert.equal(await stages().getByRole('table', { name: 'Changes by hello-world' }).getByText('properties.seen_by_fixture').count(), 0)
    await session.screenshot('debugger-12-two-plugin-pipeline')
    await ui.button('Step', debuggerPane()).click()
    await stepped().filter({ hasText: /^2 of 4/ }).waitFor()
    await stages().getByRole('article', { name: 'Dropped' }).getByText(`Dropped by ${PLUGIN}`).waitFor()
    assert.equal(await stages().getByRole('article', { name: 'processEvent · hello-world' }).count(), 0)
    await debuggerPane().getByRole('button', { name: 'Remove Hello world from the pipeline' }).click()
  })

  test('a 100,000-event JSON Lines file loads without freezing and scrolls to its end', async (t) => {
    if (!requireSystemPart(t, 'chromium')) return
    // The longest gap between two animation frames while the file loads and scrolls: the UI must not freeze.
    await ui.page.evaluate(() => {
      const page = globalThis as unknown as { frameGap: number; frameRun: boolean; requestAnimationFrame(cb: (t: number) => void): void }
      page.frameGap = 0
      page.frameRun = true
      let last = 0
      const tick = (time: number) => {
        if (last) page.frameGap = Math.max(page.frameGap, time - last)
        last = time
        if (page.frameRun) page.requestAnimationFrame(tick)
      }
      page.requestAnimationFrame(tick)
    })
    const started = Date.now()
    await chooseEventFile('events/big-100k.jsonl')
    await stepped().filter({ hasText: /^0 of 100,000 stepped$/ }).waitFor({ timeout: 60_000 })
    const list = debuggerPane().getByRole('listbox', { name: 'Events' })
    await list.getByRole('option').first().locator('.event-name').filter({ hasText: /^\$|\w/ }).waitFor()
    const loadMs = Date.now() - started
    // The page stays responsive while it loads: a timer keeps firing.
    const scrollStarted = Date.now()
    await list.evaluate((node) => {
      const element = node as unknown as { scrollTop: number; scrollHeight: number }
      element.scrollTop = element.scrollHeight
    })
    await list.getByRole('option').filter({ has: ui.page.locator('.event-index', { hasText: /^100000$/ }) }).locator('.event-name').filter({ hasNotText: '…' }).waitFor()
    const scrollMs = Date.now() - scrollStarted
    const longest = Math.round(
      await ui.page.evaluate(() => {
        const page = globalThis as unknown as { frameGap: number; frameRun: boolean }
        page.frameRun = false
        return page.frameGap
      }),
    )
    // A freeze, not jitter: parsing the 124 MB file on the page's thread would stall it for seconds.
    // Frame timings themselves belong to the benchmark (2 shared cores make them noisy here).
    assert.ok(longest > 0 && longest < 1500, `the page never froze while loading and scrolling (longest frame ${longest} ms)`)
    const rendered = await list.getByRole('option').count()
    assert.ok(rendered < 100, `only the rows on screen are rendered (${rendered})`)
    t.diagnostic(`100,000-event JSON Lines: first rows shown ${loadMs} ms after choosing the file; scrolled to the end and its page read in ${scrollMs} ms; longest frame ${longest} ms`)
    console.log(`[debugger e2e] 100k load: ${loadMs} ms; scroll to end: ${scrollMs} ms; longest frame: ${longest} ms`)
    await session.screenshot('debugger-13-100k-events')
    assert.equal(session.pageErrors.length, 0, session.pageErrors.join('\n'))
    assert.deepEqual(session.externalRequests, [])
  })
})
