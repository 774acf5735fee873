// The desktop app for real, driven by Playwright's `_electron` — needs an Electron binary, so it runs
// only through `npm run test:electron` (scripts/test-electron.ts), never in `npm test`.
// Screenshots go to test-results/electron/.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import path from 'node:path'
import os from 'node:os'
import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { _electron, type ElectronApplication, type Page } from 'playwright-core'
import { ensureDefaultWorkspace } from '../main/services/workspace/default-workspace.ts'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const SHOTS = path.join(ROOT, 'test-results', 'electron')

describe('the desktop app', () => {
  let app: ElectronApplication
  let page: Page
  let workspaceRoot: string

  before(async () => {
    const executablePath = process.env.PLUGIN_STUDIO_ELECTRON
    assert.ok(executablePath, 'scripts/test-electron.ts sets PLUGIN_STUDIO_ELECTRON to the Electron binary')
    workspaceRoot = await mkdtemp(path.join(os.tmpdir(), 'electron-spec-'))
    const workspace = path.join(workspaceRoot, 'workspace')
    await ensureDefaultWorkspace(workspace, path.join(ROOT, 'sample-events'))
    await mkdir(SHOTS, { recursive: true })
    app = await _electron.launch({ executablePath, args: [ROOT], cwd: ROOT, env: { ...process.env, PLUGIN_STUDIO_WORKSPACE: workspace }, timeout: 60_000 })
    page = await app.firstWindow()
    await page.waitForLoadState('domcontentloaded')
  })
  after(async () => {
    await page?.screenshot({ path: path.join(SHOTS, '99-last-state.png') }).catch(() => undefined)
    await app?.close()
    await rm(workspaceRoot, { recursive: true, force: true })
  })

  test('the window is isolated and sandboxed, and shows the app from app://', async () => {
    assert.match(page.url(), /^app:\/\/studio\/electron\.html/)
    assert.equal(await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length), 1)
    // nodeIntegration off + sandbox: no Node in the page; contextIsolation: the bridge is a frozen copy.
    const globals = await page.evaluate(() => ({
      require: typeof (globalThis as { require?: unknown }).require,
      process: typeof (globalThis as { process?: unknown }).process,
      bridge: Object.keys((globalThis as unknown as { studio: object }).studio).sort(),
      frozen: Object.isFrozen((globalThis as unknown as { studio: object }).studio),
    }))
    assert.deepEqual(globals, { require: 'undefined', process: 'undefined', bridge: ['invoke', 'on'], frozen: true })
  })

  test('the bridge reaches the studio; window.open and navigating away are blocked', async () => {
    const plugins = await page.evaluate(() => (globalThis as unknown as { studio: { invoke(m: string, p: unknown[]): Promise<{ result: { id: string }[] }> } }).studio.invoke('listPlugins', []))
    assert.deepEqual(plugins.result.map((p) => p.id), ['hello-world'])
    // These functions run in the page, so they name its globals themselves.
    assert.equal(await page.evaluate(() => (globalThis as unknown as { open(url: string): unknown }).open('https://example.com') === null), true)
    await page.evaluate(() => {
      ;(globalThis as unknown as { location: { href: string } }).location.href = 'https://example.com/'
    })
    await page.waitForTimeout(500)
    assert.match(page.url(), /^app:\/\/studio\//)
    assert.equal(await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length), 1)
  })

  test('first launch shows the studio with the hello-world plugin', async () => {
    for (const name of ['Files', 'Editor', 'Configuration', 'Debugger', 'Output']) {
      await page.getByRole('region', { name }).or(page.getByRole('complementary', { name })).or(page.getByRole('main', { name })).first().waitFor({ timeout: 30_000 })
    }
    await page.getByText(/hello/i).first().waitFor()
    await page.screenshot({ path: path.join(SHOTS, '01-first-launch.png') })
  })

  test('F5 from the menu runs the selected event', async () => {
    await app.evaluate(({ Menu }) => {
      const item = Menu.getApplicationMenu()?.items.flatMap((top) => top.submenu?.items ?? []).find((i) => i.accelerator === 'F5')
      item?.click()
    })
    await page.getByRole('region', { name: 'Output' }).getByText(/greeting/i).first().waitFor({ timeout: 30_000 })
    await page.screenshot({ path: path.join(SHOTS, '02-after-run.png') })
  })
})
