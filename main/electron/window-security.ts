// The studio window's security settings and the guards on its web contents: isolated, sandboxed,
// no Node, no navigation away from the app, no new windows, no webviews.
import type { BrowserWindowConstructorOptions } from 'electron'
import { isAppUrl } from './ipc-channels.ts'

export function mainWindowOptions(preloadPath: string): BrowserWindowConstructorOptions {
  return {
    width: 1400,
    height: 900,
    minWidth: 800,
    minHeight: 500,
    title: 'Plugin Studio',
    show: false,
    backgroundColor: '#1e1e1e',
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      spellcheck: false,
    },
  }
}

/** What hardenContents needs of Electron's WebContents. */
export interface GuardedContents {
  on(event: 'will-navigate' | 'will-redirect', listener: (event: { preventDefault(): void; url?: string }, url?: string) => void): unknown
  on(event: 'will-attach-webview', listener: (event: { preventDefault(): void }) => void): unknown
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void
}

/** Blocks navigation to anything but the app's pages, every window.open, and webviews. */
export function hardenContents(contents: GuardedContents): void {
  const stayInApp = (event: { preventDefault(): void; url?: string }, url?: string) => {
    if (!isAppUrl(event.url ?? url ?? '')) event.preventDefault()
  }
  contents.on('will-navigate', stayInApp)
  contents.on('will-redirect', stayInApp)
  contents.on('will-attach-webview', (event) => event.preventDefault())
  contents.setWindowOpenHandler(() => ({ action: 'deny' }))
}

/** Requests the window may make: its own files and in-memory URLs; the network is not for the UI. */
export function isAllowedRequestUrl(url: string): boolean {
  return isAppUrl(url) || url.startsWith('blob:') || url.startsWith('data:') || url.startsWith('devtools:')
}
