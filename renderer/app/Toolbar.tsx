// The top bar: the workspace, Run, Publish and Settings.
import { useStore } from '../state/store.ts'
import { store } from '../state/studio-state.ts'
import { run } from '../state/run-actions.ts'
import { Icon } from '../layout/icons.tsx'

const PHASE_TEXT = { running: 'Running…', stepping: 'Stepping…', 'running-all': 'Running all…', resetting: 'Resetting…', saving: 'Saving…', clock: 'Running the clock…' } as const

export function Toolbar() {
  const workspace = useStore(store, (s) => s.workspace)
  const plugin = useStore(store, (s) => s.plugins.find((p) => p.id === s.selectedPlugin) ?? null)
  const phase = useStore(store, (s) => s.phase)
  return (
    <header className="toolbar">
      <div className="brand">
        <span className="brand-mark" aria-hidden="true">
          ◆
        </span>
        Plugin Studio
      </div>
      <div className="toolbar-context" title={workspace?.dir}>
        {workspace && <span className="workspace-name">{workspace.name}</span>}
        {plugin && (
          <>
            <span className="separator">/</span>
            <span className="plugin-name">{plugin.name}</span>
          </>
        )}
      </div>
      <div className="toolbar-actions">
        {phase !== 'idle' && (
          <span className="busy" role="status">
            {PHASE_TEXT[phase]}
          </span>
        )}
        <button type="button" className="primary" onClick={() => void run()} disabled={!plugin || phase !== 'idle'} aria-keyshortcuts="F5" title="Run the selected event through the plugin (F5)">
          <Icon name="play" />
          Run
        </button>
        <button type="button" onClick={() => store.set({ dialog: 'publish' })} disabled={!plugin} title="Publish the plugin to npm or a PostHog instance">
          <Icon name="upload" />
          Publish
        </button>
        <button type="button" className="icon-button" aria-label="Settings" title="Workspace settings" onClick={() => store.set({ dialog: 'settings' })}>
          <Icon name="gear" />
        </button>
      </div>
    </header>
  )
}
