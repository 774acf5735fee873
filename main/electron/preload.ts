// Preload of the studio window (bundled to out/electron/preload.cjs; runs sandboxed).
import { contextBridge, ipcRenderer } from 'electron'
import { exposeStudioBridge } from './preload-bridge.ts'

exposeStudioBridge({ contextBridge, ipcRenderer })
