// The Debugger's clock bar and state inspector in browser mode: an exporter made from the template
// buffers a stepped event until "+1 min" reaches PostHog's flush (its log line in Output, delivered 1
// in the inspector); a scheduled-task plugin's runEveryMinute runs on "+1 min", "+1 h" and "Run
// runEveryMinute now". Screenshots go to test-results/e2e/clock-*.png.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { hasSystemPart, requireSystemPart } from '../test-support/system-parts.ts'
import { openBrowser, type BrowserSession } from './support/browser.ts'
import { StudioPage } from './support/studio-page.ts'
import { startStudio, type RunningStudio } from './support/studio-server.ts'

const EXPORTER = 'Clock exporter'
const SCHEDULED = 'Clock scheduled'
const KEEPER = 'Clock keeper'
/** Keeps the last event name in the cache for 2 minutes, a run counter without expiry, and the name in storage. */
const KEEPER_CODE = [
  "import type { Meta, PluginEvent } from '@posthog/plugin-scaffold'",
  '',
  'export async function processEvent(event: PluginEvent, { cache, storage }: Meta): Promise<PluginEvent> {',
  "  await cache.set('last_event', event.event, 120)",
  "  await cache.incr('runs')",
  "  await storage.set('seen', event.event)",
  '  return event',
  '}',
  '',
].join('\n')

describe('the clock bar and the state inspector', () => {
  let studio: RunningStudio
  let session: BrowserSession
  let ui: StudioPage
  const debuggerPane = () => ui.region('Debugger')
  const clock = () => debuggerPane().getByRole('group', { name: 'Clock', exact: true })
  const clockNow = () => clock().getByTestId('clock-now')
  const inspector = () => debuggerPane().getByRole('region', { name: 'State inspector' })
  const pluginState = (name: string) => inspector().getByRole('region', { name: `State of ${name}` })
  const stepped = () => debuggerPane().getByText(/[\d,]+ of [\d,]+ stepped/)
  const clockLogs = (action: string) => ui.output().getByRole('list', { name: `Logs of ${action}` })

  async function newPlugin(name: string, template: string): Promise<void> {
    await ui.button('New plugin').click()
    const dialog = ui.page.getByRole('dialog', { name: 'New plugin' })
    await dialog.getByLabel('Plugin name').fill(name)
    await dialog.getByRole('radio', { name: new RegExp(template, 'i') }).check()
    await dialog.getByRole('radio', { name: 'TypeScript' }).check()
    await dialog.getByRole('button', { name: 'Create plugin' }).click()
    await dialog.waitFor({ state: 'detached' })
    await ui.region('Files').getByRole('button', { name, exact: true }).waitFor()
    await ui.waitForActiveFile('index.ts')
    // A new plugin runs the selected event at once.
    await ui.verdict().waitFor({ timeout: 120_000 })
  }

  before(async () => {
    if (!hasSystemPart('chromium')) return
    studio = await startStudio()
    session = await openBrowser()
    ui = new StudioPage(session.page)
    // Room for the Debugger: a wider side column and a short Configuration pane (sizes a user can drag).
    await session.context.addInitScript(() => {
      ;(globalThis as unknown as { localStorage: { setItem(k: string, v: string): void } }).localStorage.setItem(
        'plugin-studio:layout',
        JSON.stringify({ filesWidth: 200, sideWidth: 620, outputHeight: 300, configHeight: 110 }),
      )
    })
  })
  after(async () => {
    await session?.screenshot('clock-99-last-state').catch(() => undefined)
    await session?.close()
    await studio?.close()
  })

  test('an exporter: a stepped event waits in the buffer, "+1 min" flushes it', async (t) => {
    if (!requireSystemPart(t, 'chromium')) return
    await ui.open(studio.url)
    await newPlugin(EXPORTER, 'Exporter')
    // The inspector starts closed, with a one-line summary; open it (it stays open, also after a reload).
    const summary = debuggerPane().locator('.state-inspector > summary')
    await summary.filter({ hasText: /1 buffered, 0 exported/ }).waitFor()
    await summary.click()
    await inspector().waitFor()
    // Start from an empty buffer (the run on creation put its event in it).
    await ui.button('Reset', debuggerPane()).click()
    await stepped().filter({ hasText: /^0 of / }).waitFor()
    await pluginState(EXPORTER).getByText(/^0 events · /).waitFor()
    await clockNow().filter({ hasText: '2022-08-12 00:00:00 UTC' }).waitFor()

    await ui.button('Step', debuggerPane()).click()
    await stepped().filter({ hasText: /^1 of / }).waitFor()
    await pluginState(EXPORTER).getByText(/^1 event · /).waitFor()
    assert.match((await pluginState(EXPORTER).textContent()) ?? '', /flush at 00:01:00 \(in 1 min\)/)
    assert.equal(await pluginState(EXPORTER).getByTestId('export-delivered').textContent(), '0')
    assert.equal(await ui.output().getByText(/would send/).count(), 0, 'nothing exported before the buffer flushes')
    await session.screenshot('clock-01-exporter-buffered')

    await ui.button('+1 min', clock()).click()
    await clockLogs('+1 min').getByText(/No webhook URL set; would send 1 event\(s\)/).waitFor()
    await clockNow().filter({ hasText: '2022-08-12 00:01:00 UTC' }).waitFor()
    await pluginState(EXPORTER).getByTestId('export-delivered').filter({ hasText: /^1$/ }).waitFor()
    assert.equal(await pluginState(EXPORTER).getByTestId('export-failed').textContent(), '0')
    await pluginState(EXPORTER).getByText(/^0 events · /).waitFor()
    assert.match((await ui.output().locator('.clock-fired').first().textContent()) ?? '', /exportEvents buffer flush/)
    await session.screenshot('clock-02-exporter-flushed')

    // Nothing else is due: "Until idle" fires nothing and leaves the clock where it is.
    await ui.button('Until idle', clock()).click()
    await ui.output().locator('.clock-entry').first().getByText('Until idle').waitFor()
    assert.match((await ui.output().locator('.clock-fired').first().textContent()) ?? '', /nothing was due/)
    await clockNow().filter({ hasText: '2022-08-12 00:01:00 UTC' }).waitFor()
  })

  test('a scheduled task: "+1 min" runs runEveryMinute, so does "Run runEveryMinute now"', async (t) => {
    if (!requireSystemPart(t, 'chromium')) return
    await newPlugin(SCHEDULED, 'Scheduled task')
    // Its run loaded a new pipeline with a new clock: the exporter's clock actions are gone from Output.
    await ui.output().getByRole('list', { name: 'Clock actions' }).waitFor({ state: 'detached' })
    const tasks = debuggerPane().getByRole('group', { name: `Scheduled tasks of ${SCHEDULED}` })
    await tasks.getByRole('button', { name: 'Run runEveryMinute now' }).waitFor()
    assert.equal(await tasks.getByRole('button').count(), 1, 'only the tasks the plugin exports')
    await pluginState(SCHEDULED).getByRole('list', { name: `Next scheduled runs of ${SCHEDULED}` }).getByText(/runEveryMinute next 00:01:00/).waitFor()
    await clockNow().filter({ hasText: '2022-08-12 00:00:00 UTC' }).waitFor()

    await ui.button('+1 min', clock()).click()
    await clockLogs('+1 min').getByText('No status URL set; nothing to fetch').waitFor()
    await clockNow().filter({ hasText: '2022-08-12 00:01:00 UTC' }).waitFor()
    assert.match((await ui.output().locator('.clock-fired').first().textContent()) ?? '', /runEveryMinute/)
    await pluginState(SCHEDULED).getByText(/runEveryMinute next 00:02:00/).waitFor()
    await session.screenshot('clock-03-scheduled-minute')

    await tasks.getByRole('button', { name: 'Run runEveryMinute now' }).click()
    await clockLogs(`runEveryMinute of ${SCHEDULED} now`).getByText('No status URL set; nothing to fetch').waitFor()
    // Running a task now does not move the clock.
    assert.equal(await clockNow().textContent(), '2022-08-12 00:01:00 UTC')
    await session.screenshot('clock-04-run-now')

    await ui.button('+1 h', clock()).click()
    await clockNow().filter({ hasText: '2022-08-12 01:01:00 UTC' }).waitFor()
    assert.equal(await clockLogs('+1 h').getByText('No status URL set; nothing to fetch').count(), 60, 'one run a minute')
    await session.screenshot('clock-05-one-hour')
  })

  test('cache keys with TTLs on the virtual clock, and storage, in the inspector', async (t) => {
    if (!requireSystemPart(t, 'chromium')) return
    await newPlugin(KEEPER, 'Event enrichment')
    await ui.replaceText(KEEPER_CODE)
    await ui.save()
    // A save runs the selected event again with the new code.
    const cache = pluginState(KEEPER).getByRole('table', { name: `Cache of ${KEEPER}` })
    const row = (key: string) => cache.getByRole('row').filter({ has: ui.page.getByRole('cell', { name: key, exact: true }) })
    await row('last_event').filter({ hasText: '2 min' }).waitFor()
    assert.match((await row('last_event').textContent()) ?? '', /"\$pageview"/)
    await row('runs').filter({ hasText: 'no expiry' }).waitFor()
    await pluginState(KEEPER).getByRole('table', { name: `Storage of ${KEEPER}` }).getByRole('row').filter({ hasText: 'seen' }).filter({ hasText: '$pageview' }).waitFor()
    await ui.button('+1 min', clock()).click()
    await row('last_event').filter({ hasText: /^last_event.*1 min$/ }).waitFor()
    await session.screenshot('clock-06-cache-ttl')
    await ui.button('+1 min', clock()).click()
    await row('last_event').waitFor({ state: 'detached' })
    await row('runs').waitFor()
    assert.deepEqual(session.pageErrors, [])
    assert.deepEqual(session.externalRequests, [])
  })
})
