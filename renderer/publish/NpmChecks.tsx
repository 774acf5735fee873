// The npm checks with their results, and the files and sizes of the tarball to be published.
import type { NpmPrepared, PublishCheck } from './publish-api.ts'

const MARK: Record<PublishCheck['status'], string> = { pass: '✓', warn: '!', fail: '✗' }
const MARK_COLOR: Record<PublishCheck['status'], string> = { pass: 'var(--ok)', warn: 'var(--warn)', fail: 'var(--error)' }

export function NpmChecks({ prepared }: { prepared: NpmPrepared }) {
  const preview = prepared.preview
  return (
    <>
      <ul aria-label="Checks" className="publish-checks">
        {prepared.checks.map((c) => (
          <li key={c.id} data-status={c.status} style={{ listStyle: 'none' }}>
            <span aria-hidden="true" style={{ color: MARK_COLOR[c.status] }}>
              {MARK[c.status]}
            </span>{' '}
            <strong>{c.title}</strong>: {c.message}
          </li>
        ))}
      </ul>
      {preview && (
        <figure>
          <figcaption>
            {preview.name}@{preview.version}: {preview.files.length} files, tarball {bytes(preview.tarballBytes)}, unpacked {bytes(preview.unpackedBytes)}
          </figcaption>
          <table aria-label="Files in the package">
            <tbody>
              {preview.files.map((f) => (
                <tr key={f.path}>
                  <td className="mono">{f.path}</td>
                  <td>{bytes(f.size)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </figure>
      )}
    </>
  )
}

export function bytes(n: number): string {
  if (n < 1024) return `${n} B`
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} kB`
  return `${(n / 1024 / 1024).toFixed(1)} MB`
}
