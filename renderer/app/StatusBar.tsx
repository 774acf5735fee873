// The bottom line: connection, notices (errors stay until dismissed).
import { useStore } from '../state/store.ts'
import { dismissNotice, store } from '../state/studio-state.ts'
import { debugStore } from '../breakpoints/debug-state.ts'

export function StatusBar() {
  const connection = useStore(store, (s) => s.connection)
  const notices = useStore(store, (s) => s.notices)
  const workspace = useStore(store, (s) => s.workspace)
  const paused = useStore(debugStore, (s) => s.paused)
  return (
    <footer className="statusbar">
      {paused && (
        <span className="paused-status" role="status">
          Paused in {paused.plugin}
        </span>
      )}
      <span className={`connection connection-${connection.status}`}>
        {connection.status === 'ready' ? 'Connected' : connection.status === 'connecting' ? 'Connecting…' : 'Disconnected'}
      </span>
      {workspace && (
        <span className="muted" title={workspace.dir}>
          {workspace.dir}
        </span>
      )}
      <div className="notices">
        {notices.map((notice) => (
          <div key={notice.id} className={`notice notice-${notice.kind}`} role={notice.kind === 'error' ? 'alert' : 'status'}>
            <span>{notice.text}</span>
            <button type="button" className="icon-button" aria-label="Dismiss" onClick={() => dismissNotice(notice.id)}>
              ×
            </button>
          </div>
        ))}
      </div>
    </footer>
  )
}
