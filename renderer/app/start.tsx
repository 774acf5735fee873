// Starts the studio UI over a transport (the only thing the two entry points differ in).
import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import type { Transport } from '../../common/rpc/transport.ts'
import { setupMonaco } from '../editor/monaco-setup.ts'
import { onDirtyChange } from '../editor/models.ts'
import { trackRuntimeMarkers } from '../editor/runtime-markers.ts'
import { setDirty } from '../state/file-actions.ts'
import { boot } from '../state/workspace-actions.ts'
import { App } from './App.tsx'
import '../styles/app.css'

export interface StartOptions {
  /** Ask before leaving the page with unsaved edits (browser tabs; the desktop shell asks itself). */
  guardUnload: boolean
}

export function startApp(openTransport: () => Promise<Transport>, options: StartOptions): void {
  setupMonaco()
  onDirtyChange(setDirty)
  trackRuntimeMarkers()
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <App guardUnload={options.guardUnload} />
    </StrictMode>,
  )
  void boot(openTransport)
}
