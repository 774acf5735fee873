// type "json": a JSON text editor. The value stays a string (as PostHog stores it); a parse error is
// shown live under it.

export function jsonError(value: string): string | null {
  if (value.trim() === '') return null
  try {
    JSON.parse(value)
    return null
  } catch (error) {
    return `Not valid JSON: ${error instanceof Error ? error.message : String(error)}`
  }
}

export function JsonField(props: { id: string; value: string; required?: boolean; describedBy?: string; autoFocus?: boolean; onChange(value: string): void; onBlur?(): void }) {
  const error = jsonError(props.value)
  const errorId = `${props.id}-json-error`
  const lines = Math.min(16, Math.max(5, props.value.split('\n').length + 1))
  return (
    <>
      <textarea
        id={props.id}
        className={error ? 'cf-input cf-json cf-invalid-input ph-no-capture' : 'cf-input cf-json ph-no-capture'}
        value={props.value}
        rows={lines}
        spellCheck={false}
        autoFocus={props.autoFocus}
        aria-required={props.required || undefined}
        aria-invalid={error ? true : undefined}
        aria-describedby={[props.describedBy, error ? errorId : undefined].filter(Boolean).join(' ') || undefined}
        onChange={(e) => props.onChange(e.target.value)}
        onBlur={props.onBlur}
      />
      {error && (
        <div id={errorId} className="cf-json-error">
          {error}
        </div>
      )}
    </>
  )
}
