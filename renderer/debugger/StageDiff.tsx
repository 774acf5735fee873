// What one stage changed in the event: added / removed / changed properties by their nested path.
import { useMemo } from 'react'
import { diffRows, formatValue } from '../output/diff-rows.ts'

const SIGN = { added: '+', removed: '−', changed: '~' } as const

export function StageDiff({ before, after, label }: { before: unknown; after: unknown; label: string }) {
  const rows = useMemo(() => diffRows(before, after), [before, after])
  if (rows.length === 0) return <p className="muted stage-unchanged">No change to the event.</p>
  return (
    <table className="diff-table stage-diff" aria-label={label}>
      <tbody>
        {rows.map((row) => (
          <tr key={`${row.kind}:${row.path}`} className={`diff-${row.kind}`} data-diff-kind={row.kind}>
            <th scope="row">
              <div className="diff-path">
                <span className={`diff-sign diff-sign-${row.kind}`} aria-label={row.kind}>
                  {SIGN[row.kind]}
                </span>
                <code>{row.path}</code>
              </div>
            </th>
            <td>
              {row.kind !== 'added' && <code className="value before">{formatValue(row.before)}</code>}
              {row.kind === 'changed' && <span className="diff-arrow"> → </span>}
              {row.kind !== 'removed' && <code className="value after">{formatValue(row.after)}</code>}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}
