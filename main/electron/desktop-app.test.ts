// The desktop shell against a stand-in `electron` object: the real package would try to download
// a binary. These check the window's security settings and that every IPC call's sender is checked.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import path from 'node:path'
import os from 'node:os'
import { EventEmitter } from 'node:events'
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises'
import type { BrowserWindowConstructorOptions, MenuItemConstructorOptions } from 'electron'
import { composeStudio } from '../compose.ts'
import { prepareDesktop, startDesktop, type DesktopElectron } from './desktop-app.ts'
import { checkSender, type IpcSenderEvent } from './sender-check.ts'
import { hardenContents, mainWindowOptions } from './window-security.ts'
import { appProtocolHandler } from './app-protocol.ts'
import { exposeStudioBridge } from './preload-bridge.ts'
import type { StudioBridge, StudioInvokeResult } from '../../common/protocol/studio.ts'
import { RENDERER_ENTRY_URL, STUDIO_EVENT_CHANNEL, STUDIO_INVOKE_CHANNEL } from './ipc-channels.ts'

class FakeContents extends EventEmitter {
  id: number
  sent: unknown[][] = []
  openHandler?: (details: { url: string }) => { action: string }
  constructor(id: number) {
    super()
    this.id = id
  }
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }) {
    this.openHandler = handler
  }
  send(...args: unknown[]) {
    this.sent.push(args)
  }
  isDestroyed() {
    return false
  }
}

function fakeElectron() {
  const calls = {
    handlers: new Map<string, (event: IpcSenderEvent, ...args: unknown[]) => Promise<unknown>>(),
    windows: [] as { options: BrowserWindowConstructorOptions; url?: string; contents: FakeContents }[],
    schemes: [] as unknown[],
    protocolHandlers: new Map<string, (request: Request) => Promise<Response>>(),
    menu: [] as MenuItemConstructorOptions[],
    permission: undefined as undefined | ((contents: unknown, permission: string, callback: (granted: boolean) => void) => void),
    beforeRequest: undefined as undefined | ((details: { url: string }, callback: (response: { cancel?: boolean }) => void) => void),
    sandboxed: false,
    appEvents: new Map<string, (...args: never[]) => void>(),
    opened: [] as string[],
  }
  class BrowserWindow extends EventEmitter {
    webContents: FakeContents
    constructor(options: BrowserWindowConstructorOptions) {
      super()
      this.webContents = new FakeContents(100 + calls.windows.length)
      calls.windows.push({ options, contents: this.webContents })
    }
    async loadURL(url: string) {
      calls.windows[calls.windows.length - 1].url = url
    }
    show() {}
    focus() {}
    isDestroyed() {
      return false
    }
  }
  const electron = {
    app: {
      whenReady: async () => {},
      on: (event: string, listener: (...args: never[]) => void) => calls.appEvents.set(event, listener),
      quit() {},
      enableSandbox: () => (calls.sandboxed = true),
      requestSingleInstanceLock: () => true,
      getName: () => 'Plugin Studio',
    },
    BrowserWindow,
    ipcMain: { handle: (channel: string, listener: (event: IpcSenderEvent, ...args: unknown[]) => Promise<unknown>) => calls.handlers.set(channel, listener) },
    Menu: { buildFromTemplate: (template: MenuItemConstructorOptions[]) => (calls.menu = template), setApplicationMenu() {} },
    protocol: {
      registerSchemesAsPrivileged: (schemes: unknown[]) => calls.schemes.push(...schemes),
      handle: (scheme: string, handler: (request: Request) => Promise<Response>) => calls.protocolHandlers.set(scheme, handler),
    },
    session: {
      defaultSession: {
        setPermissionRequestHandler: (handler: typeof calls.permission) => (calls.permission = handler),
        webRequest: { onBeforeRequest: (listener: typeof calls.beforeRequest) => (calls.beforeRequest = listener) },
      },
    },
    dialog: { showOpenDialog: async () => ({ canceled: true, filePaths: [] }), showErrorBox() {} },
    shell: { openExternal: async (url: string) => void calls.opened.push(url) },
  }
  return { electron: electron as unknown as DesktopElectron, calls }
}

async function tempApp(t: { after(fn: () => Promise<void>): void }) {
  const root = await mkdtemp(path.join(os.tmpdir(), 'desktop-test-'))
  const workspaceDir = path.join(root, 'workspace')
  const rendererDir = path.join(root, 'renderer')
  await mkdir(path.join(workspaceDir, 'hello'), { recursive: true })
  await writeFile(path.join(workspaceDir, 'hello', 'plugin.json'), '{"name":"Hello"}')
  await mkdir(rendererDir)
  await writeFile(path.join(rendererDir, 'electron.html'), '<!doctype html>')
  await writeFile(path.join(rendererDir, 'app.js'), 'export {}')
  const { electron, calls } = fakeElectron()
  prepareDesktop(electron)
  const desktop = await startDesktop(electron, { rendererDir, preloadPath: '/app/out/electron/preload.cjs', workspaceDir, platform: 'linux' })
  t.after(async () => {
    await desktop.close()
    await rm(root, { recursive: true, force: true })
  })
  return { desktop, calls, root }
}

const event = (senderId: number, url: string, parent: unknown = null): IpcSenderEvent => ({ sender: { id: senderId }, senderFrame: { url, parent } })

test('the window is isolated, sandboxed, without Node, and loads the app from app://', async (t) => {
  const options = mainWindowOptions('/app/preload.cjs')
  assert.equal(options.webPreferences?.contextIsolation, true)
  assert.equal(options.webPreferences?.sandbox, true)
  assert.equal(options.webPreferences?.nodeIntegration, false)
  assert.equal(options.webPreferences?.nodeIntegrationInWorker, false)
  assert.equal(options.webPreferences?.webSecurity, true)
  assert.equal(options.webPreferences?.webviewTag, false)
  assert.equal(options.webPreferences?.preload, '/app/preload.cjs')

  const { calls } = await tempApp(t)
  assert.equal(calls.sandboxed, true)
  assert.deepEqual(calls.schemes, [{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } }])
  assert.equal(calls.windows.length, 1)
  assert.deepEqual(calls.windows[0].options.webPreferences, mainWindowOptions('/app/out/electron/preload.cjs').webPreferences)
  assert.equal(calls.windows[0].url, RENDERER_ENTRY_URL)
  // No permissions, no network for the UI.
  let granted: boolean | undefined
  calls.permission?.(null, 'media', (g) => (granted = g))
  assert.equal(granted, false)
  const verdict = (url: string) => {
    let cancel: boolean | undefined
    calls.beforeRequest?.({ url }, (r) => (cancel = r.cancel))
    return cancel
  }
  assert.equal(verdict('https://cdn.example.com/monaco.js'), true)
  assert.equal(verdict('http://127.0.0.1:8080/'), true)
  assert.equal(verdict('app://studio/assets/ts.worker.js'), false)
  assert.equal(verdict('blob:app://studio/1234'), false)
})

test('the app:// handler serves the renderer with a strict CSP and nothing outside it', async (t) => {
  const { calls, root } = await tempApp(t)
  const handler = calls.protocolHandlers.get('app')
  assert.ok(handler)
  const page = await handler(new Request('app://studio/electron.html'))
  assert.equal(page.status, 200)
  assert.equal(page.headers.get('content-type'), 'text/html; charset=utf-8')
  assert.match(page.headers.get('content-security-policy') ?? '', /script-src 'self';.*worker-src 'self' blob:/)
  assert.equal((await handler(new Request('app://studio/app.js'))).headers.get('content-type'), 'text/javascript; charset=utf-8')
  await writeFile(path.join(root, 'secret.txt'), 'no')
  for (const url of ['app://studio/../secret.txt', 'app://studio/%2e%2e/secret.txt', 'app://other/electron.html', 'app://studio/missing.js']) {
    assert.equal((await handler(new Request(url))).status, 404, url)
  }
  assert.equal((await appProtocolHandler(path.join(root, 'renderer'))(new Request('app://studio/', { method: 'POST' }))).status, 404)
})

test('navigation away, new windows and webviews are blocked', () => {
  const contents = new FakeContents(1)
  hardenContents(contents as never)
  const navigate = (name: string, url: string) => {
    let prevented = false
    contents.emit(name, { url, preventDefault: () => (prevented = true) }, url)
    return prevented
  }
  assert.equal(navigate('will-navigate', 'https://evil.example/'), true)
  assert.equal(navigate('will-navigate', 'file:///etc/passwd'), true)
  assert.equal(navigate('will-redirect', 'http://127.0.0.1:1/'), true)
  assert.equal(navigate('will-navigate', 'app://studio/electron.html'), false)
  assert.equal(navigate('will-attach-webview', 'app://studio/'), true)
  assert.deepEqual(contents.openHandler?.({ url: 'https://posthog.com' }), { action: 'deny' })
  assert.deepEqual(contents.openHandler?.({ url: 'app://studio/electron.html' }), { action: 'deny' })
})

test('the sender check: only the top frame of a studio window showing an app page', () => {
  const trusted = new Set([7])
  assert.deepEqual(checkSender(event(7, 'app://studio/electron.html'), trusted), { ok: true })
  assert.equal(checkSender(event(8, 'app://studio/electron.html'), trusted).ok, false)
  assert.equal(checkSender(event(7, 'app://studio/electron.html', { url: 'app://studio/' }), trusted).ok, false)
  assert.equal(checkSender(event(7, 'https://evil.example/'), trusted).ok, false)
  assert.equal(checkSender(event(7, 'app://evil/electron.html'), trusted).ok, false)
  assert.equal(checkSender(event(7, 'file:///app/out/renderer/electron.html'), trusted).ok, false)
  assert.equal(checkSender({ sender: { id: 7 }, senderFrame: null }, trusted).ok, false)
})

test('every IPC call is checked before it reaches the studio; trusted calls get answers', async (t) => {
  const { calls } = await tempApp(t)
  const handle = calls.handlers.get(STUDIO_INVOKE_CHANNEL)
  assert.ok(handle)
  assert.deepEqual([...calls.handlers.keys()], [STUDIO_INVOKE_CHANNEL])
  const id = calls.windows[0].contents.id
  const ok = (await handle(event(id, 'app://studio/electron.html'), 'listPlugins', [])) as StudioInvokeResult
  assert.ok('result' in ok)
  assert.deepEqual((ok.result as { id: string }[]).map((p) => p.id), ['hello'])
  for (const bad of [event(id + 1, 'app://studio/electron.html'), event(id, 'https://evil.example/'), event(id, 'app://studio/electron.html', {}), { sender: { id }, senderFrame: null }]) {
    const refused = (await handle(bad, 'listPlugins', [])) as StudioInvokeResult
    assert.ok('error' in refused && refused.error.name === 'SecurityError', JSON.stringify(bad))
  }
  const unknown = (await handle(event(id, 'app://studio/electron.html'), 'dispose', [])) as StudioInvokeResult
  assert.ok('error' in unknown && /Unknown method "dispose"/.test(unknown.error.message))
  const badParams = (await handle(event(id, 'app://studio/electron.html'), 'readFile', 'x')) as StudioInvokeResult
  assert.ok('error' in badParams)
  const traversal = (await handle(event(id, 'app://studio/electron.html'), 'readFile', ['../../etc/passwd'])) as StudioInvokeResult
  assert.ok('error' in traversal && traversal.error.name === 'PathError')
})

test('links open in the system browser through shell.openExternal, and only http(s) ones', async (t) => {
  const { calls } = await tempApp(t)
  const handle = calls.handlers.get(STUDIO_INVOKE_CHANNEL)!
  const from = event(calls.windows[0].contents.id, 'app://studio/electron.html')
  assert.deepEqual(await handle(from, 'openExternal', ['https://posthog.com/docs/apps']), { result: { openedBy: 'shell', url: 'https://posthog.com/docs/apps' } })
  for (const bad of ['file:///etc/passwd', 'javascript:alert(1)', 'app://studio/electron.html']) {
    const refused = (await handle(from, 'openExternal', [bad])) as StudioInvokeResult
    assert.ok('error' in refused, bad)
  }
  assert.deepEqual(calls.opened, ['https://posthog.com/docs/apps'])
})

test('the menu has the usual entries, and Save/Run/Step reach the renderer as commands', async (t) => {
  const { calls } = await tempApp(t)
  const items = calls.menu.flatMap((top) => (Array.isArray(top.submenu) ? top.submenu : []))
  const byAccelerator = (accelerator: string) => items.find((item) => item.accelerator === accelerator)
  for (const [accelerator, command] of [['CmdOrCtrl+S', 'save'], ['F5', 'run'], ['F10', 'step'], ['CmdOrCtrl+N', 'newPlugin']] as const) {
    const item = byAccelerator(accelerator)
    assert.ok(item?.click, accelerator)
    ;(item.click as () => void)()
    const contents = calls.windows[0].contents
    assert.deepEqual(contents.sent.at(-1), [STUDIO_EVENT_CHANNEL, 'command', { command }])
  }
  assert.deepEqual(calls.menu.map((m) => m.label ?? m.role), ['&File', '&Edit', '&Run', '&View', '&Window', 'help'])
  for (const role of ['undo', 'redo', 'cut', 'copy', 'paste', 'selectAll', 'quit']) assert.ok(items.some((i) => i.role === role), role)
})

test('the preload exposes only invoke and on, over the studio channels', async () => {
  const exposed = new Map<string, unknown>()
  const invoked: unknown[][] = []
  const ipc = new EventEmitter()
  const ipcRenderer = {
    invoke: async (...args: unknown[]) => {
      invoked.push(args)
      return { result: 42 }
    },
    on: (channel: string, listener: (...args: unknown[]) => void) => ipc.on(channel, listener),
    removeListener: (channel: string, listener: (...args: unknown[]) => void) => ipc.removeListener(channel, listener),
  }
  exposeStudioBridge({ contextBridge: { exposeInMainWorld: (key, api) => exposed.set(key, api) }, ipcRenderer })
  assert.deepEqual([...exposed.keys()], ['studio'])
  const bridge = exposed.get('studio') as StudioBridge
  assert.deepEqual(Object.keys(bridge).sort(), ['invoke', 'on'])
  assert.deepEqual(await bridge.invoke('listPlugins', []), { result: 42 })
  assert.deepEqual(invoked, [[STUDIO_INVOKE_CHANNEL, 'listPlugins', []]])
  assert.ok('error' in (await bridge.invoke(5 as never, [])))
  const seen: unknown[] = []
  const off = bridge.on((name, payload) => seen.push([name, payload]))
  ipc.emit(STUDIO_EVENT_CHANNEL, {}, 'fileChanged', { path: 'a' })
  off()
  ipc.emit(STUDIO_EVENT_CHANNEL, {}, 'fileChanged', { path: 'b' })
  assert.deepEqual(seen, [['fileChanged', { path: 'a' }]])
})

test('File ▸ Open Folder switches the workspace and tells the renderer', async (t) => {
  const { desktop, calls, root } = await tempApp(t)
  const other = path.join(root, 'other')
  await mkdir(path.join(other, 'second'), { recursive: true })
  await writeFile(path.join(other, 'second', 'plugin.json'), '{"name":"Second"}')
  await desktop.openWorkspace(other)
  const contents = calls.windows[0].contents
  const announced = contents.sent.find((args) => args[1] === 'workspaceChanged')
  assert.equal((announced?.[2] as { name: string }).name, 'other')
  const handle = calls.handlers.get(STUDIO_INVOKE_CHANNEL)!
  const listed = (await handle(event(contents.id, 'app://studio/electron.html'), 'listPlugins', [])) as { result: { id: string }[] }
  assert.deepEqual(listed.result.map((p) => p.id), ['second'])
})

test('no arbitrary URL gets a window or a navigation, in the main window or any later web contents', async (t) => {
  const { calls } = await tempApp(t)
  const external = ['https://evil.example/', 'http://169.254.169.254/latest/meta-data/', 'file:///etc/passwd', 'javascript:alert(1)', 'data:text/html,<script>1</script>', 'chrome://settings', 'app://other/electron.html', 'ftp://example.com/']
  const later = new FakeContents(999)
  calls.appEvents.get('web-contents-created')?.(...([{}, later] as never[]))
  for (const contents of [calls.windows[0].contents, later]) {
    for (const url of external) {
      assert.deepEqual(contents.openHandler?.({ url }), { action: 'deny' }, url)
      for (const name of ['will-navigate', 'will-redirect']) {
        let prevented = false
        contents.emit(name, { url, preventDefault: () => (prevented = true) }, url)
        assert.equal(prevented, true, `${name} ${url}`)
      }
    }
  }
  // Denied windows never fall through to the OS either.
  assert.deepEqual(calls.opened, [])
})

test("the shell's opener itself refuses all but http(s) links, whoever calls it", async (t) => {
  const root = await mkdtemp(path.join(os.tmpdir(), 'desktop-test-'))
  t.after(() => rm(root, { recursive: true, force: true }))
  const { electron, calls } = fakeElectron()
  let opener: ((url: string) => Promise<void>) | undefined
  const desktop = await startDesktop(electron, {
    rendererDir: root,
    preloadPath: '/app/preload.cjs',
    workspaceDir: root,
    compose: async (options) => {
      opener = options.openExternal
      return composeStudio(options)
    },
  })
  t.after(() => desktop.close())
  assert.ok(opener)
  for (const bad of ['file:///etc/passwd', 'javascript:alert(1)', 'smb://host/share', 'app://studio/x', 'https://user:pw@example.com/', '/relative', 'ms-settings:', `https://example.com/${'a'.repeat(9000)}`]) {
    await assert.rejects(opener(bad), /link|URL|http/, bad)
  }
  await opener('https://posthog.com/docs')
  await opener('http://localhost:8000/')
  assert.deepEqual(calls.opened, ['https://posthog.com/docs', 'http://localhost:8000/'])
})
