// type "attachment": a file picker; "Selected file: <name>" once one is chosen (PostHog's wording).
import type { AttachmentInfo } from '../../common/plugin/rules.ts'

function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} kB`
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`
}

export function AttachmentField(props: {
  id: string
  attachment: AttachmentInfo | undefined
  required?: boolean
  describedBy?: string
  studio: boolean
  onPick(file: File | null): void
}) {
  const { attachment } = props
  return (
    <div className="cf-attachment">
      {attachment ? (
        <div className="cf-selected-file">
          <span>Selected file: {attachment.file_name}</span>
          {props.studio && (
            <span className="cf-muted">
              {' '}
              ({formatSize(attachment.size)}
              {attachment.content_type ? `, ${attachment.content_type}` : ''})
            </span>
          )}
          <button type="button" className="cf-link-button" onClick={() => props.onPick(null)}>
            Remove file
          </button>
        </div>
      ) : null}
      <input
        id={props.id}
        className="cf-file ph-no-capture"
        type="file"
        aria-required={props.required || undefined}
        aria-describedby={props.describedBy}
        onChange={(e) => {
          const file = e.target.files?.[0] ?? null
          e.target.value = ''
          if (file) props.onPick(file)
        }}
      />
    </div>
  )
}
