// The desktop app: the studio protocol over the preload's `window.studio` bridge.
import { bridgeTransport } from '../common/rpc/bridge-transport.ts'
import type { StudioBridge } from '../common/protocol/studio.ts'
import { startApp } from './app/start.tsx'

declare global {
  interface Window {
    studio?: StudioBridge
  }
}

startApp(async () => {
  if (!window.studio) throw new Error('The desktop bridge (window.studio) is missing: the preload did not run.')
  return bridgeTransport(window.studio)
}, { guardUnload: false })
