// The whole surface the desktop renderer gets: `window.studio = { invoke, on }` (StudioBridge).
// No ipcRenderer, no channel names, no Node — only studio calls and studio events.
import type { StudioBridge, StudioInvokeResult } from '../../common/protocol/studio.ts'
import { STUDIO_EVENT_CHANNEL, STUDIO_INVOKE_CHANNEL } from './ipc-channels.ts'

/** The parts of Electron's preload API the bridge uses (tests pass a stand-in). */
export interface PreloadElectron {
  contextBridge: { exposeInMainWorld(key: string, api: unknown): void }
  ipcRenderer: {
    invoke(channel: string, ...args: unknown[]): Promise<unknown>
    on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown
    removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown
  }
}

export function createStudioBridge(ipcRenderer: PreloadElectron['ipcRenderer']): StudioBridge {
  return {
    invoke(method, params) {
      if (typeof method !== 'string' || !Array.isArray(params)) {
        return Promise.resolve({ error: { name: 'TypeError', message: 'invoke(method: string, params: unknown[])' } })
      }
      return ipcRenderer.invoke(STUDIO_INVOKE_CHANNEL, method, params) as Promise<StudioInvokeResult>
    },
    on(listener) {
      if (typeof listener !== 'function') throw new TypeError('on(listener: function)')
      const handler = (_event: unknown, name: unknown, payload: unknown) => {
        if (typeof name === 'string') listener(name, payload)
      }
      ipcRenderer.on(STUDIO_EVENT_CHANNEL, handler as (event: unknown, ...args: unknown[]) => void)
      return () => {
        ipcRenderer.removeListener(STUDIO_EVENT_CHANNEL, handler as (event: unknown, ...args: unknown[]) => void)
      }
    },
  }
}

export function exposeStudioBridge(electron: PreloadElectron): void {
  electron.contextBridge.exposeInMainWorld('studio', createStudioBridge(electron.ipcRenderer))
}
