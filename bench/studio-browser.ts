// The studio in browser mode, measured through Debian's Chromium (playwright-core, never a downloaded
// browser): cold page loads to an editor that takes input, and save → new output on screen. The times
// come from the page's own clock (performance marks the renderer records), not from the driver's.
import { chromium, type Browser, type BrowserContext, type Page, type Response } from 'playwright-core'
import { CHROMIUM_PATH } from '../test-support/system-parts.ts'
import { StudioPage } from '../e2e/support/studio-page.ts'

/** Bounds every wait: a stuck studio fails the section instead of hanging the bench. */
const WAIT_MS = 30_000
/** A load has settled after this long without a new script (bounded by SETTLE_MAX_MS). */
const SETTLE_QUIET_MS = 700
const SETTLE_MAX_MS = 5_000
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]'])

interface InPagePerformance {
  now(): number
  timeOrigin: number
  mark(name: string, options?: unknown): { startTime: number }
  getEntriesByName(name: string): { startTime: number }[]
  getEntriesByType(type: 'navigation'): { domContentLoadedEventEnd: number }[]
}

/** The few browser globals the in-page functions use (this code is type-checked without DOM types). */
interface InPage {
  document: {
    querySelector(selector: string): { textContent: string | null } | null
  }
  addEventListener(type: 'keydown', listener: (event: { ctrlKey: boolean; metaKey: boolean; key: string; timeStamp: number }) => void, capture: boolean): void
  performance: InPagePerformance
  __bench: { saveAt: number[]; keyAt: number[]; outputShown: { at: number; text: string }[] }
}

/**
 * Runs in every page before the studio's code: notes when Ctrl+S and other keys go down (capture
 * phase, so before the studio's own listener; the event's own time stamp for plain keys) and, for each `studio:output-shown` mark, what the Output pane shows at
 * that moment (the mark is recorded after React committed the new result to the DOM).
 */
function instrumentPage(): void {
  const page = globalThis as unknown as InPage
  const bench: InPage['__bench'] = { saveAt: [], keyAt: [], outputShown: [] }
  page.__bench = bench
  page.addEventListener('keydown', (event) => {
    if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 's') bench.saveAt.push(page.performance.now())
    else bench.keyAt.push(event.timeStamp)
  }, true)
  const mark = page.performance.mark.bind(page.performance)
  page.performance.mark = (name, options) => {
    const entry = mark(name, options)
    if (name === 'studio:output-shown') {
      bench.outputShown.push({ at: entry.startTime, text: page.document.querySelector('[aria-label="Output"]')?.textContent ?? '' })
    }
    return entry
  }
}

export interface ColdLoad {
  /** From navigation start to the `studio:editor-ready` mark. */
  editorReadyMs: number
  /** From navigation start to the end of DOMContentLoaded (the renderer's scripts ran). */
  domContentLoadedMs: number
  /** From the first typed key's keydown to the typed text on screen (the editor was taking input). */
  typedLatencyMs: number
  /** Every script the load fetched until it settled; `early`: requested before `studio:editor-ready`. */
  scripts: { url: string; bytes: number; early: boolean }[]
  externalRequests: string[]
  pageErrors: string[]
}

export interface StudioBrowser {
  /** Loads the studio in a fresh browser context (no cache, no storage) and waits until typing works. */
  coldLoad(url: string): Promise<ColdLoad & { page: Page }>
  /** `count` typed edits of hello-world's index.ts, each saved with Ctrl+S: ms from the key to the new output. */
  saveToOutput(page: Page, count: number): Promise<number[]>
  close(): Promise<void>
}

export async function launchStudioBrowser(): Promise<StudioBrowser> {
  const browser: Browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
    timeout: 60_000,
  })
  const contexts: BrowserContext[] = []

  async function coldLoad(url: string): Promise<ColdLoad & { page: Page }> {
    // The previous load's context goes first: one studio page at a time, as a user would have.
    for (const old of contexts.splice(0)) await old.close().catch(() => undefined)
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } })
    contexts.push(context)
    await context.addInitScript(instrumentPage)
    const page = await context.newPage()
    page.setDefaultTimeout(WAIT_MS)
    page.on('dialog', (dialog) => void (dialog.type() === 'beforeunload' ? dialog.accept() : dialog.dismiss()))
    const pageErrors: string[] = []
    const externalRequests: string[] = []
    page.on('pageerror', (error) => pageErrors.push(`pageerror: ${error.message}`))
    page.on('console', (message) => {
      // Failed loads are listed with their address by the response listener below.
      if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) pageErrors.push(`console: ${message.text()}`)
    })
    // Counted, not intercepted: routing every request through the driver would slow the very load measured.
    page.on('request', (request) => {
      const { protocol, hostname } = new URL(request.url())
      if (!['data:', 'blob:'].includes(protocol) && !LOOPBACK.has(hostname)) externalRequests.push(request.url())
    })
    let lastScriptAt = Date.now()
    const scripts: Promise<{ url: string; bytes: number; requestedAt: number }>[] = []
    const onResponse = (response: Response) => {
      if (response.status() >= 400) pageErrors.push(`HTTP ${response.status()} ${new URL(response.url()).pathname}`)
      const type = response.request().resourceType()
      const isJs = type === 'script' || /\.m?js$/.test(new URL(response.url()).pathname) || /javascript/.test(response.headers()['content-type'] ?? '')
      if (!isJs) return
      lastScriptAt = Date.now()
      // Wall-clock ms, as the page's timeOrigin.
      const requestedAt = response.request().timing().startTime
      scripts.push(
        response.body().then(
          (body) => ({ url: response.url(), bytes: body.length, requestedAt }),
          () => ({ url: response.url(), bytes: Number(response.headers()['content-length'] ?? 0), requestedAt }),
        ),
      )
    }
    // Workers' scripts (Monaco's editor worker) arrive through the context, pages' through the page.
    context.on('response', onResponse)

    await page.goto(url, { waitUntil: 'commit', timeout: WAIT_MS })
    const readyHandle = await page.waitForFunction(
      () => (globalThis as unknown as InPage).performance.getEntriesByName('studio:editor-ready')[0]?.startTime ?? false,
      undefined,
      { timeout: WAIT_MS, polling: 10 },
    )
    const editorReadyMs = (await readyHandle.jsonValue()) as number
    // Verify the editor takes input: type into it and wait until the characters are on screen.
    const ui = new StudioPage(page)
    const marker = 'zqxj'
    await ui.editor.locator('.view-lines').click({ timeout: WAIT_MS })
    await page.keyboard.type(marker)
    const typedHandle = await page.waitForFunction(
      (expected) => {
        const page = globalThis as unknown as InPage
        const text = page.document.querySelector('[aria-label="Editor"] .monaco-editor .view-lines')?.textContent ?? ''
        return text.includes(expected) ? page.performance.now() - page.__bench.keyAt[0] : false
      },
      marker,
      { timeout: WAIT_MS, polling: 10 },
    )
    const typedLatencyMs = (await typedHandle.jsonValue()) as number
    // Leave the file as it was on disk (the edit loop starts from the saved text).
    for (let i = 0; i < marker.length; i++) await page.keyboard.press('Backspace')
    // The load has settled when no script came for a while (workers and language modes come late).
    const settleEnd = Date.now() + SETTLE_MAX_MS
    while (Date.now() - lastScriptAt < SETTLE_QUIET_MS && Date.now() < settleEnd) await page.waitForTimeout(50)
    context.off('response', onResponse)
    const { timeOrigin, domContentLoadedMs } = await page.evaluate(() => {
      const { performance } = globalThis as unknown as InPage
      return { timeOrigin: performance.timeOrigin, domContentLoadedMs: performance.getEntriesByType('navigation')[0]?.domContentLoadedEventEnd ?? Number.NaN }
    })
    const fetched = await Promise.all(scripts)
    return {
      page,
      editorReadyMs,
      domContentLoadedMs,
      typedLatencyMs,
      scripts: fetched.map(({ url, bytes, requestedAt }) => ({ url, bytes, early: requestedAt < timeOrigin + editorReadyMs })),
      externalRequests,
      pageErrors,
    }
  }

  async function saveToOutput(page: Page, count: number): Promise<number[]> {
    const ui = new StudioPage(page)
    // The hello-world plugin's first run (it starts the runtime on a fresh server) must be on screen first.
    await ui.verdict().filter({ hasText: 'Processed' }).waitFor({ timeout: 120_000 })
    // A version whose output depends on the file's last line; each edit changes four digits in it.
    const first = 1000
    await ui.replaceText(
      [
        "import type { Meta, PluginEvent } from '@posthog/plugin-scaffold'",
        '',
        'export interface HelloInput {',
        '  config: { greeting: string }',
        '}',
        '',
        'export function processEvent(event: PluginEvent, { config }: Meta<HelloInput>): PluginEvent {',
        '  return { ...event, properties: { ...event.properties, greeting: config.greeting, bench_edit: EDIT } }',
        '}',
        '',
        `const EDIT = 'bench-${first}'`,
      ].join('\n'),
    )
    await ui.save()
    await waitForOutput(page, `bench-${first}`, 0)
    const times: number[] = []
    for (let i = 1; i <= count; i++) {
      const value = String(first + i)
      // Type the change: to the end of the file, before the closing quote, replace the four digits.
      await page.keyboard.press('ControlOrMeta+End')
      await page.keyboard.press('ArrowLeft')
      for (let k = 0; k < 4; k++) await page.keyboard.press('Backspace')
      await page.keyboard.type(value)
      await page.waitForFunction(
        (expected) =>
          (globalThis as unknown as InPage).document
            .querySelector('[aria-label="Editor"] .monaco-editor .view-lines')
            ?.textContent?.includes(expected),
        `'bench-${value}'`,
        { timeout: WAIT_MS, polling: 10 },
      )
      await ui.save()
      times.push(await waitForOutput(page, `bench-${value}`, i))
    }
    return times
  }

  return {
    coldLoad,
    saveToOutput,
    close: async () => {
      for (const context of contexts.splice(0)) await context.close().catch(() => undefined)
      await browser.close()
    },
  }
}

/**
 * Waits until the Output pane shows `expected` and returns the ms from save number `saveIndex`'s
 * Ctrl+S to the first `studio:output-shown` mark whose pane held it.
 */
async function waitForOutput(page: Page, expected: string, saveIndex: number): Promise<number> {
  const handle = await page.waitForFunction(
    ({ expected, saveIndex }) => {
      const { saveAt, outputShown } = (globalThis as unknown as InPage).__bench
      const at = saveAt[saveIndex]
      if (at === undefined) return false
      const shown = outputShown.find((s) => s.at > at && s.text.includes(expected))
      return shown ? shown.at - at : false
    },
    { expected, saveIndex },
    { timeout: WAIT_MS, polling: 10 },
  )
  return (await handle.jsonValue()) as number
}
