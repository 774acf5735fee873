// The studio window: toolbar, the five panes with resizable dividers, status bar and dialogs.
import { useEffect } from 'react'
import { useStore } from '../state/store.ts'
import { store } from '../state/studio-state.ts'
import { commandForKey, runCommand } from '../state/commands.ts'
import { debugKey } from '../breakpoints/debug-keys.ts'
import { layout } from '../layout/layout-store.ts'
import { Splitter } from '../layout/Splitter.tsx'
import { Toolbar } from './Toolbar.tsx'
import { StatusBar } from './StatusBar.tsx'
import { FilesPane } from '../files/FilesPane.tsx'
import { NewPluginDialog } from '../files/NewPluginDialog.tsx'
import { EditorPane } from '../editor/EditorPane.tsx'
import { OutputPane } from '../output/OutputPane.tsx'
import { ConfigurationPane } from '../configuration/ConfigurationPane.tsx'
import { DebuggerPane } from '../debugger/DebuggerPane.tsx'
import { SettingsDialog } from '../settings/SettingsDialog.tsx'
import { PublishMount } from './PublishMount.tsx'

export function App({ guardUnload }: { guardUnload: boolean }) {
  const connection = useStore(store, (s) => s.connection)
  const dialog = useStore(store, (s) => s.dialog)
  const plugin = useStore(store, (s) => s.selectedPlugin)
  const sizes = useStore(layout, (s) => s)

  useEffect(() => {
    // Capture phase: before Monaco or the browser (F5 would reload the page, Ctrl+S save it).
    const onKey = (event: KeyboardEvent) => {
      if (!store.get().dialog && debugKey(event)) return
      const command = commandForKey(event)
      if (!command) return
      event.preventDefault()
      event.stopPropagation()
      if (store.get().dialog) return
      runCommand(command, 'key')
    }
    // In a browser tab, leaving with unsaved edits asks first (closing the tab, reloading). In Electron
    // a cancelled unload would silently keep the window open, so the desktop shell asks instead.
    const onLeave = (event: BeforeUnloadEvent) => {
      if (guardUnload && store.get().openFiles.some((f) => f.dirty)) event.preventDefault()
    }
    window.addEventListener('keydown', onKey, true)
    window.addEventListener('beforeunload', onLeave)
    return () => {
      window.removeEventListener('keydown', onKey, true)
      window.removeEventListener('beforeunload', onLeave)
    }
  }, [guardUnload])

  if (connection.status === 'failed') {
    return (
      <main className="fatal">
        <h1>Plugin Studio could not connect</h1>
        <p>{connection.message}</p>
        <p>Open the address that <code>plugin-studio serve</code> printed: it carries this launch’s access token.</p>
      </main>
    )
  }

  return (
    <div className="app">
      <Toolbar />
      {connection.status === 'closed' && (
        <div className="banner error" role="alert">
          Lost the connection to the studio: {connection.message}. Restart it and reload this page.
        </div>
      )}
      <div className="workbench" style={{ gridTemplateColumns: `${sizes.filesWidth}px 5px minmax(280px, 1fr) 5px ${sizes.sideWidth}px` }}>
        <FilesPane />
        <Splitter size="filesWidth" orientation="vertical" direction={1} label="Resize Files" />
        <div className="column" style={{ gridTemplateRows: `minmax(120px, 1fr) 5px ${sizes.outputHeight}px` }}>
          <EditorPane />
          <Splitter size="outputHeight" orientation="horizontal" direction={-1} label="Resize Output" />
          <OutputPane />
        </div>
        <Splitter size="sideWidth" orientation="vertical" direction={-1} label="Resize side panes" />
        <div className="column" style={{ gridTemplateRows: `${sizes.configHeight}px 5px minmax(120px, 1fr)` }}>
          <ConfigurationPane />
          <Splitter size="configHeight" orientation="horizontal" direction={1} label="Resize Configuration" />
          <DebuggerPane />
        </div>
      </div>
      <StatusBar />
      {dialog === 'newPlugin' && <NewPluginDialog />}
      {dialog === 'settings' && <SettingsDialog />}
      {dialog === 'publish' && plugin && <PublishMount plugin={plugin} />}
    </div>
  )
}
