// The Debugger over a two-plugin pipeline in browser mode: three stepped events with each plugin's
// own diff; "+1 min" runs a scheduled task and flushes the export buffer; time travel back to step 1
// shows step 1's cache, storage, global, clock and buffer; an edit, then "Rerun from here" replays the
// run with the new code; "Save as test" writes a jest file. Screenshots: test-results/e2e/pipeline-*.png.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import type { Locator } from 'playwright-core'
import { hasSystemPart, requireSystemPart } from '../test-support/system-parts.ts'
import { openBrowser, type BrowserSession } from './support/browser.ts'
import { StudioPage } from './support/studio-page.ts'
import { startStudio, type RunningStudio } from './support/studio-server.ts'

const FIRST = 'Pipe first'
const SECOND = 'Pipe second'

/** Counts events in cache, global and storage, greets, exports, and ticks every minute. */
const firstCode = (greeting: string) => `export function setupPlugin({ global }) {
  global.count = 0
}

export async function processEvent(event, { cache, storage, global }) {
  global.count += 1
  const n = await cache.incr('events')
  await storage.set('last', event.event)
  console.info('first saw ' + event.event)
  return { ...event, properties: { ...event.properties, first_n: n, greeting: '${greeting}' } }
}

export function runEveryMinute({ global }) {
  console.info('minute tick after ' + global.count + ' events')
}

export async function exportEvents(events) {
  console.info('exported ' + events.length + ' event(s): ' + events.map((e) => e.properties.greeting).join(','))
}
`

/** Drops the IP and sorts users into new and repeat by the first plugin's count. */
const SECOND_CODE = `export function processEvent(event) {
  const { $ip, ...rest } = event.properties
  return { ...event, properties: { ...rest, tier: event.properties.first_n > 1 ? 'repeat' : 'new' } }
}
`

const event = (name: string, i: number) => ({
  uuid: `0190c000-0000-7000-8000-${String(i).padStart(12, '0')}`,
  event: name,
  distinct_id: `user-${i}`,
  timestamp: '2024-05-01T10:00:00.000Z',
  properties: { $ip: '10.0.0.1', plan: 'free' },
})

describe('the Debugger over a two-plugin pipeline', () => {
  let studio: RunningStudio
  let session: BrowserSession
  let ui: StudioPage
  const debuggerPane = () => ui.region('Debugger')
  const stepped = () => debuggerPane().getByText(/[\d,]+ of [\d,]+ stepped/)
  const stages = () => ui.page.getByRole('region', { name: /^Event \d+ stages$/ })
  const inspector = () => debuggerPane().getByRole('region', { name: 'State inspector' })
  const pluginState = (name: string) => inspector().getByRole('region', { name: `State of ${name}` })
  const travelBar = () => debuggerPane().getByRole('group', { name: 'Time travel' })
  const clock = () => debuggerPane().getByRole('group', { name: 'Clock', exact: true })
  const cell = (table: Locator, key: string) => table.getByRole('row').filter({ has: ui.page.getByRole('cell', { name: key, exact: true }) })

  /** The rows of one stage's diff as "kind path value" lines. */
  async function diffOf(plugin: string): Promise<string[]> {
    const table = stages().getByRole('article', { name: `processEvent · ${plugin}` }).getByRole('table', { name: `Changes by ${plugin}` })
    await table.waitFor()
    return table.getByRole('row').evaluateAll((rows) =>
      rows.map((r) => {
        const row = r as unknown as { dataset: Record<string, string>; querySelector(s: string): { textContent: string | null } | null }
        return `${row.dataset.diffKind} ${row.querySelector('th code')?.textContent} ${(row.querySelector('td')?.textContent ?? '').replace(/\s+/g, ' ').trim()}`
      }),
    )
  }

  /** Waits until the inspector shows `count` in Pipe first's global and `events` in its cache. */
  async function expectCounts(count: number): Promise<void> {
    await cell(pluginState(FIRST).getByRole('table', { name: `Global of ${FIRST}` }), 'count').filter({ hasText: new RegExp(`count\\s*${count}$`) }).waitFor()
    await cell(pluginState(FIRST).getByRole('table', { name: `Cache of ${FIRST}` }), 'events').filter({ hasText: new RegExp(`events\\s*${count}`) }).waitFor()
  }

  before(async () => {
    if (!hasSystemPart('chromium')) return
    studio = await startStudio()
    const dir = studio.workspaceDir
    for (const [folder, name, code] of [
      ['pipe-first', FIRST, firstCode('hello')],
      ['pipe-second', SECOND, SECOND_CODE],
    ]) {
      await mkdir(path.join(dir, folder), { recursive: true })
      await writeFile(path.join(dir, folder, 'plugin.json'), JSON.stringify({ name, main: 'index.js', config: [] }, null, 2))
      await writeFile(path.join(dir, folder, 'index.js'), code)
      await writeFile(path.join(dir, folder, 'package.json'), JSON.stringify({ name: folder, type: 'module', main: 'index.js' }, null, 2))
    }
    await mkdir(path.join(dir, 'events'), { recursive: true })
    await writeFile(path.join(dir, 'events', 'three.jsonl'), [event('$pageview', 1), event('signed up', 2), event('$pageleave', 3)].map((e) => JSON.stringify(e)).join('\n') + '\n')
    session = await openBrowser()
    ui = new StudioPage(session.page)
    // A tall window: the stages, the time travel bar and the open state inspector all in view.
    await session.page.setViewportSize({ width: 1440, height: 1280 })
    await session.context.addInitScript(() => {
      const storage = (globalThis as unknown as { localStorage: { setItem(k: string, v: string): void } }).localStorage
      storage.setItem('plugin-studio:layout', JSON.stringify({ filesWidth: 180, sideWidth: 640, outputHeight: 200, configHeight: 90 }))
      storage.setItem('plugin-studio:state-inspector-open', 'true')
    })
  })
  after(async () => {
    await session?.screenshot('pipeline-99-last-state').catch(() => undefined)
    await session?.close()
    await studio?.close()
  })

  test('step three events through two plugins: each plugin’s own diff', async (t) => {
    if (!requireSystemPart(t, 'chromium')) return
    await ui.open(studio.url)
    await ui.selectPlugin(FIRST)
    await ui.waitForActiveFile('index.js')
    await debuggerPane().getByRole('combobox', { name: 'Add a plugin to the pipeline' }).selectOption({ label: SECOND })
    await debuggerPane().getByRole('group', { name: 'Pipeline' }).getByText(SECOND).waitFor()
    await debuggerPane().getByRole('combobox', { name: 'Event file' }).selectOption({ label: 'events/three.jsonl' })
    // Start from nothing: whatever ran on opening the plugin is cleared.
    await ui.button('Reset', debuggerPane()).click()
    await ui.page.getByText(/Reset: cleared/).waitFor()
    await stepped().filter({ hasText: /^0 of 3 stepped$/ }).waitFor()

    const expectations = [
      { n: 1, tier: 'new', name: '$pageview' },
      { n: 2, tier: 'repeat', name: 'signed up' },
      { n: 3, tier: 'repeat', name: '$pageleave' },
    ]
    for (const [i, expected] of expectations.entries()) {
      await ui.button('Step', debuggerPane()).click()
      await stepped().filter({ hasText: new RegExp(`^${i + 1} of 3`) }).waitFor()
      await ui.page.getByRole('region', { name: `Event ${i + 1} stages` }).waitFor()
      const first = await diffOf('pipe-first')
      assert.deepEqual(first.sort(), [`added properties.first_n ${expected.n}`, 'added properties.greeting "hello"'], `event ${i + 1}, first plugin`)
      const second = await diffOf('pipe-second')
      assert.deepEqual(second.sort(), ['added properties.tier ' + JSON.stringify(expected.tier), 'removed properties.$ip "10.0.0.1"'], `event ${i + 1}, second plugin`)
      await stages().getByRole('article', { name: 'Final event' }).waitFor()
      await stages().getByRole('article', { name: 'processEvent · pipe-first' }).getByText(`first saw ${expected.name}`).waitFor()
      await expectCounts(expected.n)
      await session.screenshot(`pipeline-0${i + 1}-step-${i + 1}`)
    }
    await cell(pluginState(FIRST).getByRole('table', { name: `Storage of ${FIRST}` }), 'last').filter({ hasText: '$pageleave' }).waitFor()
    await pluginState(FIRST).getByText(/^3 events · /).waitFor()
  })

  test('"+1 min": the scheduled task logs and the export buffer flushes', async (t) => {
    if (!requireSystemPart(t, 'chromium')) return
    await ui.button('+1 min', clock()).click()
    const logs = ui.output().getByRole('list', { name: 'Logs of +1 min' })
    await logs.getByText('minute tick after 3 events').waitFor()
    await logs.getByText('exported 3 event(s): hello,hello,hello').waitFor()
    await clock().getByTestId('clock-now').filter({ hasText: '2022-08-12 00:01:00 UTC' }).waitFor()
    await pluginState(FIRST).getByTestId('export-delivered').filter({ hasText: /^3$/ }).waitFor()
    await pluginState(FIRST).getByText(/^0 events · /).waitFor()
    await session.screenshot('pipeline-04-clock-flush')
  })

  test('time travel: selecting event 1 shows the state after step 1', async (t) => {
    if (!requireSystemPart(t, 'chromium')) return
    await debuggerPane().getByRole('listbox', { name: 'Events' }).getByRole('option').first().click()
    await travelBar().getByTestId('time-travel-step').filter({ hasText: 'State after step 1 (event 1) of 4' }).waitFor()
    await travelBar().getByTestId('time-travel-clock').filter({ hasText: '2022-08-12 00:00:00 UTC' }).waitFor()
    await expectCounts(1)
    await cell(pluginState(FIRST).getByRole('table', { name: `Storage of ${FIRST}` }), 'last').filter({ hasText: '$pageview' }).waitFor()
    await pluginState(FIRST).getByText(/^1 event · /).waitFor()
    assert.equal(await pluginState(FIRST).getByTestId('export-delivered').textContent(), '0', 'nothing exported yet after step 1')
    // The live clock bar keeps the present; the inspector says which step it shows.
    assert.equal(await clock().getByTestId('clock-now').textContent(), '2022-08-12 00:01:00 UTC')
    await inspector().getByTestId('inspector-clock').filter({ hasText: 'Clock after step 1 (event 1): 2022-08-12 00:00:00 UTC' }).waitFor()
    await session.screenshot('pipeline-05-time-travel-step-1')

    // Step 2, then back to now.
    await debuggerPane().getByRole('listbox', { name: 'Events' }).getByRole('option').nth(1).click()
    await travelBar().getByTestId('time-travel-step').filter({ hasText: 'State after step 2 (event 2) of 4' }).waitFor()
    await expectCounts(2)
    await ui.button('Back to now', travelBar()).click()
    await expectCounts(3)
    await pluginState(FIRST).getByTestId('export-delivered').filter({ hasText: /^3$/ }).waitFor()
  })

  test('edit the first plugin, "Rerun from here" at step 1: the run replays with the new code', async (t) => {
    if (!requireSystemPart(t, 'chromium')) return
    await debuggerPane().getByRole('listbox', { name: 'Events' }).getByRole('option').first().click()
    await travelBar().getByTestId('time-travel-step').filter({ hasText: 'State after step 1 (event 1) of 4' }).waitFor()
    await ui.replaceText(firstCode('bonjour'))
    await ui.save()
    // The save runs the selected event again with the new code (outside the stepping sequence).
    await diffOf('pipe-first').then(async () => {
      await stages().getByRole('article', { name: 'processEvent · pipe-first' }).getByText('"bonjour"').waitFor()
    })
    await session.screenshot('pipeline-06-edited')

    await ui.button('Rerun from here', travelBar()).click()
    await ui.page.getByText(/Reran from step 1 \(event 1\) with the current code/).waitFor()
    await stepped().filter({ hasText: /^3 of 3 stepped$/ }).waitFor()
    assert.deepEqual((await diffOf('pipe-first')).sort(), ['added properties.first_n 1', 'added properties.greeting "bonjour"'], 'event 1 ran again from a fresh state')
    // Every later step ran again too: event 3, and the "+1 min" (the clock and the export are back where they were).
    await debuggerPane().getByRole('listbox', { name: 'Events' }).getByRole('option').nth(2).click()
    assert.deepEqual((await diffOf('pipe-first')).sort(), ['added properties.first_n 3', 'added properties.greeting "bonjour"'])
    await travelBar().getByTestId('time-travel-step').filter({ hasText: 'State after step 3 (event 3) of 4' }).waitFor()
    await expectCounts(3)
    await ui.button('Back to now', travelBar()).click()
    await clock().getByTestId('clock-now').filter({ hasText: '2022-08-12 00:01:00 UTC' }).waitFor()
    await pluginState(FIRST).getByTestId('export-delivered').filter({ hasText: /^3$/ }).waitFor()
    await session.screenshot('pipeline-07-rerun')
  })

  test('"Save as test" writes the run as a jest file in the plugin folder and opens it', async (t) => {
    if (!requireSystemPart(t, 'chromium')) return
    await ui.button('Save as test', debuggerPane()).click()
    await ui.page.getByText(/Saved pipe-first\/recorded-run\.test\.js \(3 events\)/).waitFor()
    await ui.waitForActiveFile('recorded-run.test.js')
    const text = await readFile(path.join(studio.workspaceDir, 'pipe-first', 'recorded-run.test.js'), 'utf8')
    assert.match(text, /"greeting": "bonjour"/)
    assert.match(text, /"message": "first saw signed up"/)
    await session.screenshot('pipeline-08-saved-test')
    assert.deepEqual(session.pageErrors, [])
    assert.deepEqual(session.externalRequests, [])
  })
})
