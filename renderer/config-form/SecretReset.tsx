// A stored secret: PostHog shows no value, only a button that clears it for a new one.
import { PencilIcon } from './icons.tsx'

export function SecretReset(props: { attachment: boolean; describedBy?: string; onReset(): void }) {
  return (
    <button type="button" className="cf-button cf-button-secondary" aria-describedby={props.describedBy} onClick={props.onReset}>
      <PencilIcon />
      Reset secret {props.attachment ? 'attachment' : 'field'}
    </button>
  )
}
