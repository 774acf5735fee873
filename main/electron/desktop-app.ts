// The desktop shell, built from an injected Electron API object so tests can pass a stand-in
// (importing the real 'electron' package outside Electron tries to download a binary).
// One window; the renderer from app://; one validated IPC handler; the studio services from compose.
import type { BrowserWindowConstructorOptions, MenuItemConstructorOptions, OnBeforeRequestListenerDetails, CallbackResponse, OpenDialogOptions, OpenDialogReturnValue } from 'electron'
import { composeStudio, type ComposeOptions } from '../compose.ts'
import { serveStudio, type StudioService } from '../services/studio-service.ts'
import { checkExternalUrl } from '../services/open-external.ts'
import type { StudioCommand, StudioInvokeResult } from '../../common/protocol/studio.ts'
import { APP_SCHEME, RENDERER_ENTRY_URL, STUDIO_EVENT_CHANNEL, STUDIO_INVOKE_CHANNEL } from './ipc-channels.ts'
import { createIpcConnection } from './ipc-connection.ts'
import { menuTemplate } from './menu.ts'
import { checkSender, type IpcSenderEvent } from './sender-check.ts'
import { hardenContents, isAllowedRequestUrl, mainWindowOptions, type GuardedContents } from './window-security.ts'
import { APP_SCHEME_PRIVILEGES, appProtocolHandler } from './app-protocol.ts'

/** The parts of a BrowserWindow the shell uses. */
export interface DesktopWindow {
  webContents: GuardedContents & { id: number; send(channel: string, ...args: unknown[]): void; isDestroyed(): boolean }
  loadURL(url: string): Promise<void>
  once(event: 'ready-to-show', listener: () => void): unknown
  on(event: 'closed', listener: () => void): unknown
  show(): void
  focus(): void
  isDestroyed(): boolean
}

/** The parts of the 'electron' module the shell uses; main.ts passes the real one. */
export interface DesktopElectron {
  app: {
    whenReady(): Promise<unknown>
    on(event: string, listener: (...args: never[]) => void): unknown
    quit(): void
    enableSandbox(): void
    requestSingleInstanceLock(): boolean
    getName(): string
  }
  BrowserWindow: new (options: BrowserWindowConstructorOptions) => DesktopWindow
  ipcMain: { handle(channel: string, listener: (event: IpcSenderEvent, ...args: unknown[]) => Promise<unknown>): void }
  Menu: { buildFromTemplate(template: MenuItemConstructorOptions[]): unknown; setApplicationMenu(menu: never): void }
  protocol: { registerSchemesAsPrivileged(schemes: (typeof APP_SCHEME_PRIVILEGES)[]): void; handle(scheme: string, handler: (request: Request) => Promise<Response>): void }
  session: {
    defaultSession: {
      setPermissionRequestHandler(handler: (contents: unknown, permission: string, callback: (granted: boolean) => void) => void): void
      webRequest: { onBeforeRequest(listener: (details: OnBeforeRequestListenerDetails, callback: (response: CallbackResponse) => void) => void): void }
    }
  }
  dialog: { showOpenDialog(window: never, options: OpenDialogOptions): Promise<OpenDialogReturnValue>; showErrorBox(title: string, content: string): void }
  /** Links from plugin markdown open in the system browser (the studio validates them first: http/https only). */
  shell: { openExternal(url: string): Promise<void> }
}

export interface DesktopOptions extends ComposeOptions {
  rendererDir: string
  preloadPath: string
  platform?: NodeJS.Platform
  /** Tests: the studio to serve instead of composing one. */
  compose?: (options: ComposeOptions) => Promise<StudioService>
}

export interface DesktopApp {
  window: DesktopWindow
  studio(): StudioService
  /** Sends a menu command to the renderer (what the menu items do). */
  sendCommand(command: StudioCommand): void
  openWorkspace(dir: string): Promise<void>
  close(): Promise<void>
}

/** Must run before the app is ready: the app:// scheme and the sandbox for every renderer. */
export function prepareDesktop(electron: DesktopElectron): void {
  electron.protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES])
  electron.app.enableSandbox()
}

export async function startDesktop(electron: DesktopElectron, options: DesktopOptions): Promise<DesktopApp> {
  const compose = options.compose ?? composeStudio
  await electron.app.whenReady()
  const session = electron.session.defaultSession
  // The UI needs no camera, notifications or the like; and it never talks to the network.
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false))
  session.webRequest.onBeforeRequest((details, callback) => callback({ cancel: !isAllowedRequestUrl(details.url) }))
  electron.protocol.handle(APP_SCHEME, appProtocolHandler(options.rendererDir))
  // Any web contents created later (devtools aside) gets the same guards.
  electron.app.on('web-contents-created', ((_event: unknown, contents: GuardedContents) => hardenContents(contents)) as never)

  // Checked again here, whoever calls it: only absolute http(s) URLs without credentials reach the OS.
  const openExternal = async (url: string) => electron.shell.openExternal(checkExternalUrl(url))
  let studio = await compose({ workspaceDir: options.workspaceDir, nodePath: options.nodePath, openExternal })
  const window = new electron.BrowserWindow(mainWindowOptions(options.preloadPath))
  const contents = window.webContents
  hardenContents(contents)
  const trusted = new Set([contents.id])
  const connection = createIpcConnection((name, payload) => {
    if (!window.isDestroyed() && !contents.isDestroyed()) contents.send(STUDIO_EVENT_CHANNEL, name, payload)
  })
  let served = serveStudio(connection.transport, studio)

  electron.ipcMain.handle(STUDIO_INVOKE_CHANNEL, async (event, method, params): Promise<StudioInvokeResult> => {
    const verdict = checkSender(event, trusted)
    if (!verdict.ok) return { error: { name: 'SecurityError', message: `Refused a studio call: ${verdict.reason}` } }
    return connection.invoke(method, params)
  })

  const sendCommand = (command: StudioCommand) => served.emit('command', { command })
  const openWorkspace = async (dir: string) => {
    const next = await compose({ workspaceDir: dir, nodePath: options.nodePath, openExternal })
    served.dispose()
    const previous = studio
    studio = next
    served = serveStudio(connection.transport, studio)
    served.emit('workspaceChanged', studio.workspace.info())
    await previous.dispose()
  }
  const openFolder = async () => {
    const choice = await electron.dialog.showOpenDialog(window as never, { title: 'Open a workspace folder', properties: ['openDirectory', 'createDirectory'] })
    if (!choice.canceled && choice.filePaths[0]) await openWorkspace(choice.filePaths[0])
  }
  const menu = electron.Menu.buildFromTemplate(
    menuTemplate(options.platform ?? process.platform, electron.app.getName(), { send: sendCommand, openFolder: () => void openFolder().catch((error: Error) => electron.dialog.showErrorBox('Cannot open that folder', error.message)) }),
  )
  electron.Menu.setApplicationMenu(menu as never)

  let closing: Promise<void> | undefined
  const close = () => {
    closing ??= (async () => {
      connection.close('the window closed')
      served.dispose()
      await studio.dispose()
    })()
    return closing
  }
  window.on('closed', () => void close())
  // Quitting waits for the runtime process to stop, so it is never left behind.
  let quitting = false
  electron.app.on('will-quit', ((event: { preventDefault(): void }) => {
    if (quitting) return
    quitting = true
    event.preventDefault()
    void close().finally(() => electron.app.quit())
  }) as never)
  window.once('ready-to-show', () => window.show())
  await window.loadURL(RENDERER_ENTRY_URL)
  return { window, studio: () => studio, sendCommand, openWorkspace, close }
}
