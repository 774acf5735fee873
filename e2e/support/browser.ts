// Debian's Chromium driven by playwright-core (never a downloaded browser), with every non-loopback
// request blocked and counted: the studio must work fully offline.
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import { mkdirSync } from 'node:fs'
import path from 'node:path'
import { CHROMIUM_PATH } from '../../test-support/system-parts.ts'

export const SCREENSHOT_DIR = path.resolve(import.meta.dirname, '../../test-results/e2e')

export interface BrowserSession {
  browser: Browser
  context: BrowserContext
  page: Page
  /** Requests to anything but 127.0.0.1/localhost, all blocked. */
  externalRequests: string[]
  /** Uncaught exceptions and console errors in the page. */
  pageErrors: string[]
  screenshot(name: string): Promise<void>
  close(): Promise<void>
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]'])

export async function openBrowser(): Promise<BrowserSession> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
    timeout: 60_000,
  })
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } })
  const externalRequests: string[] = []
  const pageErrors: string[] = []
  await context.route('**/*', (route) => {
    const url = new URL(route.request().url())
    if (url.protocol === 'data:' || url.protocol === 'blob:' || LOOPBACK.has(url.hostname)) return route.continue()
    externalRequests.push(route.request().url())
    return route.abort('blockedbyclient')
  })
  const page = await context.newPage()
  // Runs go through a real runtime process; a busy machine (CI, parallel tests) slows them down.
  page.setDefaultTimeout(45_000)
  // Reloading with unsaved edits asks first; the tests that reload mean it.
  page.on('dialog', (dialog) => void (dialog.type() === 'beforeunload' ? dialog.accept() : dialog.dismiss()))
  page.on('pageerror', (error) => pageErrors.push(`pageerror: ${error.message}`))
  page.on('console', (message) => {
    if (message.type() === 'error') pageErrors.push(`console: ${message.text()}`)
  })
  page.on('request', (request) => {
    const url = new URL(request.url())
    if (!['data:', 'blob:'].includes(url.protocol) && !LOOPBACK.has(url.hostname) && !externalRequests.includes(request.url())) {
      externalRequests.push(request.url())
    }
  })
  mkdirSync(SCREENSHOT_DIR, { recursive: true })
  return {
    browser,
    context,
    page,
    externalRequests,
    pageErrors,
    screenshot: async (name) => {
      await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`) })
    },
    close: () => browser.close(),
  }
}
