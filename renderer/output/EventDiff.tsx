// The event before/after a run, one row per added, removed or changed property.
import { useMemo, useState } from 'react'
import type { PluginEvent } from '../../common/plugin/event.ts'
import { diffRows, formatValue } from './diff-rows.ts'

const KIND_LABEL = { added: 'added', removed: 'removed', changed: 'changed' } as const

export function EventDiff({ input, output }: { input: PluginEvent; output: PluginEvent }) {
  const rows = useMemo(() => diffRows(input, output), [input, output])
  const [full, setFull] = useState(false)
  return (
    <div className="event-diff">
      {rows.length === 0 ? (
        <p className="muted">The plugin returned the event unchanged.</p>
      ) : (
        <table className="diff-table" aria-label="Event changes">
          <thead>
            <tr>
              <th scope="col">Property</th>
              <th scope="col">Before</th>
              <th scope="col">After</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={`${row.kind}:${row.path}`} className={`diff-${row.kind}`} data-diff-kind={row.kind}>
                <th scope="row">
                  <div className="diff-path">
                    <span className={`diff-sign diff-sign-${row.kind}`} aria-label={KIND_LABEL[row.kind]}>
                      {row.kind === 'added' ? '+' : row.kind === 'removed' ? '−' : '~'}
                    </span>
                    <code>{row.path}</code>
                  </div>
                </th>
                <td>
                  <code className="value before">{formatValue(row.before)}</code>
                </td>
                <td>
                  <code className="value after">{formatValue(row.after)}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <button type="button" className="link-button" aria-expanded={full} onClick={() => setFull(!full)}>
        {full ? 'Hide the full event' : 'Show the full event after the run'}
      </button>
      {full && <pre className="json-view">{JSON.stringify(output, null, 2)}</pre>}
    </div>
  )
}
