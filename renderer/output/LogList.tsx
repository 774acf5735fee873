// Log lines with their levels (console.* from the plugin, recorded errors, the runtime's own lines).
import type { LogEntry } from '../../common/plugin/event.ts'

export function LogList({ logs, label }: { logs: LogEntry[]; label: string }) {
  if (logs.length === 0) return <p className="muted">No log lines.</p>
  return (
    <ol className="log-list" aria-label={label}>
      {logs.map((log, i) => (
        <li key={i} className={`log log-${log.level}`}>
          <span className={`log-level level-${log.level}`}>{log.level}</span>
          {log.source !== 'CONSOLE' && <span className="log-source">{log.source.toLowerCase()}</span>}
          <span className="log-message">{log.message}</span>
        </li>
      ))}
    </ol>
  )
}
