// The runtime process killed in the middle of Run all, in browser mode: the batches that ran keep
// their results, the Debugger says which events were not processed, and the next Step works (the
// studio started a new runtime); then the same in the middle of "Rerun from here".
// Screenshots: test-results/e2e/runtime-crash-*.png.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { hasSystemPart, requireSystemPart } from '../test-support/system-parts.ts'
import { RUNTIME_ENTRY } from '../main/services/runner/runner.ts'
import { openBrowser, type BrowserSession } from './support/browser.ts'
import { StudioPage } from './support/studio-page.ts'
import { startStudio, type RunningStudio } from './support/studio-server.ts'

/** 30 ms of work per event: a batch of 100 takes 3 s, so the kill lands inside the second one. */
const PLUGIN_CODE = 'export function processEvent(event) { const end = Date.now() + 30; while (Date.now() < end) {} event.properties.slow = true; return event }\n'

/** This process's children running the plugin runtime (the studio server runs in this process). */
function runtimePids(): number[] {
  const pids: number[] = []
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8')
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
      if (ppid === process.pid && readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0').includes(RUNTIME_ENTRY)) pids.push(Number(name))
    } catch {
      // The process ended meanwhile.
    }
  }
  return pids
}

/** Kills the runtime half a second from now: well inside a 3 s batch the renderer has sent by then. */
async function killRuntimeSoon(): Promise<void> {
  await new Promise((r) => setTimeout(r, 500))
  const pids = runtimePids()
  assert.equal(pids.length, 1, `one runtime process, found ${pids.join(', ') || 'none'}`)
  process.kill(pids[0], 'SIGKILL')
}

describe('the runtime process dies during Run all', () => {
  let studio: RunningStudio
  let session: BrowserSession

  before(async () => {
    if (!hasSystemPart('chromium')) return
    studio = await startStudio()
    const dir = studio.workspaceDir
    await mkdir(path.join(dir, 'slow'), { recursive: true })
    await writeFile(path.join(dir, 'slow', 'plugin.json'), JSON.stringify({ name: 'Slow', main: 'index.js', config: [] }))
    await writeFile(path.join(dir, 'slow', 'index.js'), PLUGIN_CODE)
    await mkdir(path.join(dir, 'events'), { recursive: true })
    const events = Array.from({ length: 300 }, (_, i) => JSON.stringify({ uuid: `0190b000-0000-7000-8000-${String(i).padStart(12, '0')}`, event: `e${i}`, distinct_id: 'u', properties: {} }))
    await writeFile(path.join(dir, 'events', 'three-hundred.jsonl'), events.join('\n') + '\n')
    session = await openBrowser()
  })
  after(async () => {
    await session?.close()
    await studio?.close()
  })

  test('the Debugger names the events that were not processed; those before keep their results; Step goes on', async (t) => {
    if (!requireSystemPart(t, 'chromium')) return
    const ui = new StudioPage(session.page)
    const pane = ui.region('Debugger')
    const stepped = () => pane.getByText(/[\d,]+ of [\d,]+ stepped/)
    await ui.open(studio.url)
    await ui.selectPlugin('Slow')
    await pane.getByRole('combobox', { name: 'Event file' }).selectOption({ label: 'events/three-hundred.jsonl' })
    await stepped().filter({ hasText: /^0 of 300 stepped$/ }).waitFor()

    await ui.button('Run all', pane).click()
    // The first batch came back; the second is in the runtime now.
    await stepped().filter({ hasText: /^100 of 300 stepped$/ }).waitFor({ timeout: 60_000 })
    await killRuntimeSoon()

    await ui.page.getByText('Run all stopped: the plugin runtime process died. Events 101–300 were not processed; the 100 before them kept their results. Step or Run all goes on from event 101.').waitFor()
    await ui.page.getByText(/^The plugin runtime stopped: The plugin runtime process died \(signal SIGKILL\).* 100 events were not processed\.$/).waitFor()
    await pane.getByRole('progressbar', { name: 'Run all progress' }).waitFor({ state: 'detached' })
    await stepped().filter({ hasText: /^100 of 300 stepped$/ }).waitFor()
    // The last processed event's result is still shown.
    const stages = ui.page.getByRole('region', { name: 'Event 100 stages' })
    await stages.getByRole('article', { name: 'processEvent · slow' }).waitFor()
    await session.screenshot('runtime-crash-01-run-all-stopped')

    await ui.button('Step', pane).click()
    await stepped().filter({ hasText: /^101 of 300 stepped$/ }).waitFor()
    await ui.page.getByRole('region', { name: 'Event 101 stages' }).getByRole('table', { name: 'Changes by slow' }).getByText('properties.slow').waitFor()
    assert.deepEqual(session.externalRequests, [])
  })

  test('"Rerun from here" cut short by the runtime dying: the events not rerun are named, results stay', async (t) => {
    if (!requireSystemPart(t, 'chromium')) return
    const ui = new StudioPage(session.page)
    const pane = ui.region('Debugger')
    const stepped = () => pane.getByText(/[\d,]+ of [\d,]+ stepped/)
    // Steps so far: events 1–100 (Run all), 101 (Step); Run all adds 102–201 and 202–300.
    await ui.button('Run all', pane).click()
    await stepped().filter({ hasText: /^300 of 300 stepped$/ }).waitFor({ timeout: 60_000 })
    // From the last step (events 202–300, the one shown): the steps before it replay first, and
    // the replay reaches the third step (events 102–201) once 101 events are done.
    await ui.button('Rerun from here', pane.getByRole('group', { name: 'Time travel' })).click()
    const progress = pane.getByRole('progressbar', { name: 'Run all progress' })
    await progress.and(ui.page.locator('[aria-valuenow="101"]')).waitFor({ timeout: 60_000 })
    await killRuntimeSoon()
    await ui.page.getByText('Rerun stopped: the plugin runtime process died. Events 102–201 and the steps after them were not rerun (they show their earlier results).').waitFor()
    await progress.waitFor({ state: 'detached' })
    await session.screenshot('runtime-crash-02-rerun-stopped')
    // Results are kept: the last event still shows its (earlier) result.
    await ui.page.getByRole('region', { name: 'Event 300 stages' }).getByRole('table', { name: 'Changes by slow' }).getByText('properties.slow').waitFor()
    await stepped().filter({ hasText: /^300 of 300 stepped$/ }).waitFor()
  })
})
