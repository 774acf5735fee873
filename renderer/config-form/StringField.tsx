// type "string": a one-line text input, as PostHog's LemonInput (plain text, also for secrets).

export function StringField(props: { id: string; value: string; required?: boolean; describedBy?: string; autoFocus?: boolean; onChange(value: string): void; onBlur?(): void }) {
  return (
    <input
      id={props.id}
      className="cf-input ph-no-capture"
      type="text"
      value={props.value}
      autoComplete="off"
      spellCheck={false}
      autoFocus={props.autoFocus}
      aria-required={props.required || undefined}
      aria-describedby={props.describedBy}
      onChange={(e) => props.onChange(e.target.value)}
      onBlur={props.onBlur}
    />
  )
}
