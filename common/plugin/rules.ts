// PostHog's config-form rules (reference §3.3): which fields are visible, which are required, which
// required ones are missing, which choice fields are valid, and how secret values are masked.
// Shared by the form (renderer/config-form), the runner's run refusal and the CLI.
import type { ConfigField, FieldCondition } from './plugin-json.ts'

/** What PostHog's API sends instead of a stored secret value (posthog/api/plugin.py). */
export const SECRET_FIELD_VALUE = '**************** POSTHOG SECRET FIELD ****************'

/** PostHog's required message under a field (PH-2022 antd rule). */
export const REQUIRED_FIELD_MESSAGE = 'Please enter a value!'

/** The lock icon's tooltip on secret fields (PH-2022). */
export const SECRET_FIELD_TOOLTIP = 'This is a secret write-only field. Its value is not available after saving.'

/** An attachment as the form knows it: the file's description, never its contents. */
export interface AttachmentInfo {
  file_name: string
  content_type: string
  size: number
}

/** Values keyed by field key. A condition target's value is read from here. */
export type FormValues = Record<string, unknown>

/**
 * PostHog's doFieldRequirementsMatch for one `[targetKey, targetValue?]` pair: the form's value (or '')
 * must be truthy when targetValue is undefined, else equal to targetValue (strict).
 */
export function doFieldRequirementsMatch(values: FormValues, targetKey: string | undefined, targetValue: string | undefined): boolean {
  const actual = values[targetKey || ''] || ''
  const anyValue = typeof targetValue === 'undefined'
  return (anyValue && !!actual) || targetValue === actual
}

/** Every pair of the list must match (Array.prototype.every: an empty list matches). */
export function conditionsMatch(values: FormValues, conditions: FieldCondition): boolean {
  return conditions.every((pair) => {
    const [targetKey, targetValue] = Array.isArray(pair) ? pair : []
    return doFieldRequirementsMatch(values, targetKey, targetValue)
  })
}

/** PostHog's determineInvisibleFields for one field: only keyed fields with a visible_if can be hidden. */
export function isFieldVisible(field: ConfigField, values: FormValues): boolean {
  if (!field.visible_if || !field.key) return true
  if (!Array.isArray(field.visible_if)) return true
  return conditionsMatch(values, field.visible_if)
}

/** PostHog's determineRequiredFields for one field: `required`, or a `required_if` array that matches. */
export function isFieldRequired(field: ConfigField, values: FormValues): boolean {
  if (!field.key) return false
  if (field.required) return true
  return Array.isArray(field.required_if) && conditionsMatch(values, field.required_if)
}

/** PostHog's isValidChoiceConfig: a non-empty array of strings, and not secret. */
export function isValidChoiceConfig(field: ConfigField): boolean {
  const choices = field.choices as unknown
  return Array.isArray(choices) && choices.length > 0 && choices.every((c) => typeof c === 'string') && !field.secret
}

/** PostHog's isValidField: only choice fields can be invalid. */
export function isValidField(field: ConfigField): boolean {
  return field.type !== 'choice' || isValidChoiceConfig(field)
}

/** A field that PostHog renders as an input: it has a type and passes isValidField. */
export function hasInput(field: ConfigField): boolean {
  return !!field.type && isValidField(field)
}

export interface ValueSources {
  /** Values typed in the form (strings, as PostHog passes them). */
  values: Record<string, string | undefined>
  attachments?: Record<string, AttachmentInfo | undefined>
  /** Keys whose secret value is stored (in the keychain) and so not sent to the form. */
  savedSecrets?: readonly string[]
}

/**
 * The values the rules look at, as PostHog's form holds them: plugin.json defaults for keys never set,
 * SECRET_FIELD_VALUE for a stored secret, and a truthy value (the file name) for a chosen attachment.
 */
export function effectiveValues(fields: ConfigField[], sources: ValueSources): FormValues {
  const out: FormValues = {}
  for (const field of fields) {
    if (!field.key) continue
    const key = field.key
    if (field.type === 'attachment') {
      const attachment = sources.attachments?.[key]
      if (attachment) out[key] = attachment.file_name || SECRET_FIELD_VALUE
      else if (sources.savedSecrets?.includes(key)) out[key] = SECRET_FIELD_VALUE
      continue
    }
    const value = sources.values[key]
    if (value !== undefined) out[key] = value
    else if (sources.savedSecrets?.includes(key)) out[key] = SECRET_FIELD_VALUE
    else if (field.default !== undefined) out[key] = field.default
  }
  // Values for keys plugin.json does not name still count as PostHog's form holds them.
  for (const [key, value] of Object.entries(sources.values)) if (!(key in out) && value !== undefined) out[key] = value
  return out
}

export interface MissingField {
  key: string
  /** The label: name, else key. */
  label: string
  /** Hidden by its visible_if: PostHog still refuses to save it empty. */
  hidden: boolean
}

/**
 * The required fields (required, or required_if matching) whose value is falsy, in form order.
 * Like PostHog's form, a field hidden by visible_if is still checked; fields PostHog renders no input
 * for (no type, invalid choice) cannot be filled and are not reported.
 */
export function missingRequiredFields(
  fields: ConfigField[],
  values: Record<string, string | undefined>,
  attachments: Record<string, AttachmentInfo | undefined> = {},
  savedSecrets: readonly string[] = [],
): MissingField[] {
  const form = effectiveValues(fields, { values, attachments, savedSecrets })
  const missing: MissingField[] = []
  for (const field of fields) {
    if (!field.key || !hasInput(field) || !isFieldRequired(field, form)) continue
    if (form[field.key]) continue
    missing.push({ key: field.key, label: fieldLabel(field), hidden: !isFieldVisible(field, form) })
  }
  return missing
}

/** One line naming the missing fields, for refusing a run: `Missing required config field "API key" (apiKey)`. */
export function missingRequiredMessage(missing: MissingField[], pluginName?: string): string {
  if (missing.length === 0) return ''
  const names = missing.map((m) => (m.label === m.key ? `"${m.key}"` : `"${m.label}" (${m.key})`)).join(', ')
  const where = pluginName ? ` of ${pluginName}` : ''
  return `Missing required config field${missing.length > 1 ? 's' : ''}${where}: ${names}`
}

/** The field's label in the form: name, falling back to key. */
export function fieldLabel(field: ConfigField): string {
  return (typeof field.name === 'string' && field.name) || field.key || ''
}

/** Keys of the secret fields. */
export function secretKeys(fields: ConfigField[]): string[] {
  return fields.filter((f) => f.key && f.secret).map((f) => f.key as string)
}

/** What PostHog's API does before sending a config to the browser: truthy secret values become SECRET_FIELD_VALUE. */
export function maskSecrets(fields: ConfigField[], values: Record<string, string>): Record<string, string> {
  const secrets = new Set(secretKeys(fields))
  const out: Record<string, string> = {}
  for (const [key, value] of Object.entries(values)) out[key] = secrets.has(key) && value ? SECRET_FIELD_VALUE : value
  return out
}

/** PostHog's save rule: a secret field whose value is still SECRET_FIELD_VALUE is left out (the stored value stays). */
export function withoutUnchangedSecrets(fields: ConfigField[], values: Record<string, string>): Record<string, string> {
  const secrets = new Set(secretKeys(fields))
  const out: Record<string, string> = {}
  for (const [key, value] of Object.entries(values)) if (!(secrets.has(key) && value === SECRET_FIELD_VALUE)) out[key] = value
  return out
}

/** True when a value is PostHog's stand-in for a stored secret. */
export function isMaskedSecret(value: unknown): boolean {
  return value === SECRET_FIELD_VALUE
}

/** Splits values into the ones for the workspace file and the secret ones for the keychain. */
export function splitSecrets(fields: ConfigField[], values: Record<string, string>): { plain: Record<string, string>; secret: Record<string, string> } {
  const secrets = new Set(secretKeys(fields))
  const plain: Record<string, string> = {}
  const secret: Record<string, string> = {}
  for (const [key, value] of Object.entries(values)) {
    if (secrets.has(key)) {
      if (value !== SECRET_FIELD_VALUE) secret[key] = value
    } else plain[key] = value
  }
  return { plain, secret }
}
