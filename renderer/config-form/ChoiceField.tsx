// type "choice": a select with one option per choice (PostHog's LemonSelect), empty until chosen.

export function ChoiceField(props: { id: string; value: string; required?: boolean; choices: string[]; describedBy?: string; onChange(value: string): void; onBlur?(): void }) {
  const known = props.choices.includes(props.value)
  return (
    <select
      id={props.id}
      className="cf-input cf-select ph-no-capture"
      value={known ? props.value : ''}
      aria-required={props.required || undefined}
      aria-describedby={props.describedBy}
      onChange={(e) => props.onChange(e.target.value)}
      onBlur={props.onBlur}
    >
      {!known && (
        <option value="" disabled>
          {props.value ? `${props.value} (not a choice)` : 'Select an option'}
        </option>
      )}
      {props.choices.map((choice) => (
        <option key={choice} value={choice}>
          {choice}
        </option>
      ))}
    </select>
  )
}
