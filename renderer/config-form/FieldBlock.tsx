// One entry of plugin.json's config as PostHog's plugin drawer renders it: its markdown above, then
// the labelled control (lock icon for secrets, required mark, "Please enter a value!", hint below),
// or "Invalid config field" for a choice PostHog rejects.
import type { ConfigField, FieldCondition } from '../../common/plugin/plugin-json.ts'
import type { AttachmentInfo } from '../../common/plugin/rules.ts'
import { REQUIRED_FIELD_MESSAGE, SECRET_FIELD_TOOLTIP, fieldLabel, isValidField } from '../../common/plugin/rules.ts'
import { AttachmentField } from './AttachmentField.tsx'
import { ChoiceField } from './ChoiceField.tsx'
import { LockIcon } from './icons.tsx'
import { JsonField } from './JsonField.tsx'
import { Markdown } from './Markdown.tsx'
import { SecretReset } from './SecretReset.tsx'
import { storedSecretNote, type SecretStorage } from './secret-notes.ts'
import { StringField } from './StringField.tsx'

export interface FieldBlockProps {
  field: ConfigField
  id: string
  value: string
  attachment: AttachmentInfo | undefined
  /** A stored secret: only "Reset secret field" is shown. */
  masked: boolean
  visible: boolean
  required: boolean
  showRequiredError: boolean
  studio: boolean
  /** Where a stored secret is kept (the studio's note under it says so). */
  secretStorage: SecretStorage
  autoFocus: boolean
  onValue(value: string): void
  onAttachment(file: File | null): void
  onResetSecret(): void
  onTouched(): void
}

/** `mode = "api" and host is set`: a condition list in words, for the studio's hidden-field note. */
export function describeConditions(conditions: FieldCondition): string {
  return conditions
    .map((pair) => {
      const [key, value] = Array.isArray(pair) ? pair : []
      return value === undefined ? `${key} is set` : `${key} = ${JSON.stringify(value)}`
    })
    .join(' and ')
}

export function FieldBlock(props: FieldBlockProps) {
  const { field, studio } = props
  const label = fieldLabel(field)
  return (
    <div className="cf-block" data-field-key={field.key}>
      {typeof field.markdown === 'string' && field.markdown && <Markdown source={field.markdown} />}
      {field.type ? (
        isValidField(field) ? (
          props.visible ? (
            <FieldItem {...props} label={label} />
          ) : studio ? (
            <p className="cf-hidden-note">
              <span className="cf-hidden-label">{label}</span> is hidden: shown when {describeConditions(field.visible_if ?? [])}
            </p>
          ) : null
        ) : (
          <p className="cf-danger">
            Invalid config field <i>{label}</i>.
          </p>
        )
      ) : null}
    </div>
  )
}

function FieldItem(props: FieldBlockProps & { label: string }) {
  const { field, id, studio } = props
  const hintId = field.hint ? `${id}-hint` : undefined
  const secretId = field.secret ? `${id}-secret` : undefined
  const errorId = props.showRequiredError ? `${id}-error` : undefined
  const describedBy = [errorId, hintId, secretId].filter(Boolean).join(' ') || undefined
  return (
    <div className={props.showRequiredError ? 'cf-item cf-item-error' : 'cf-item'}>
      <div className="cf-label-row">
        {/* The label holds the name only: people and tests find the input by it. */}
        <label htmlFor={props.masked ? undefined : id} className={props.required ? 'cf-label cf-required' : 'cf-label'}>
          {field.secret && (
            <span className="cf-lock" aria-hidden="true">
              <LockIcon />
            </span>
          )}
          {props.label}
        </label>
        {field.secret && (
          <span className="cf-tooltip" role="tooltip" id={secretId}>
            {SECRET_FIELD_TOOLTIP}
          </span>
        )}
        {studio && field.key && field.key !== props.label && <code className="cf-key">{field.key}</code>}
      </div>
      <div className="cf-control">
        <Control {...props} describedBy={describedBy} />
      </div>
      {props.showRequiredError && (
        <div id={errorId} className="cf-error">
          {REQUIRED_FIELD_MESSAGE}
        </div>
      )}
      {field.hint && (
        <small id={hintId} className="cf-hint">
          <Markdown source={field.hint} />
        </small>
      )}
      {studio && props.masked && <div className="cf-muted cf-note">{storedSecretNote(props.secretStorage)}</div>}
    </div>
  )
}

function Control(props: FieldBlockProps & { describedBy?: string }) {
  const { field, id } = props
  if (props.masked) return <SecretReset attachment={field.type === 'attachment'} describedBy={props.describedBy} onReset={props.onResetSecret} />
  const common = { id, value: props.value, required: props.required, describedBy: props.describedBy, onChange: props.onValue, onBlur: props.onTouched }
  switch (field.type) {
    case 'string':
      return <StringField {...common} autoFocus={props.autoFocus} />
    case 'choice':
      return <ChoiceField {...common} choices={field.choices ?? []} />
    case 'json':
      return <JsonField {...common} autoFocus={props.autoFocus} />
    case 'attachment':
      return <AttachmentField id={id} attachment={props.attachment} required={props.required} describedBy={props.describedBy} studio={props.studio} onPick={props.onAttachment} />
    default:
      return (
        <strong className="cf-danger">
          Unknown field type "<code>{String(field.type)}</code>".
          <br />
          You may need to upgrade PostHog!
        </strong>
      )
  }
}
