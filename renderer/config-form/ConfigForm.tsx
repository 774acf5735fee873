// The "Configuration" pane's form: PostHog's plugin config form, rendered live from plugin.json text
// (reference §3.3). Controlled: values, attachments and stored secrets come in as props, every change
// goes out through a callback. Two looks: the studio's (problems, keys, hidden-field notes, missing
// fields) and "PostHog preview" (the form as a PostHog user sees it, nothing of the studio).
import { useEffect, useId, useMemo, useRef, useState } from 'react'
import type { PluginJsonProblem } from '../../common/plugin/plugin-json.ts'
import type { AttachmentInfo } from '../../common/plugin/rules.ts'
import {
  SECRET_FIELD_VALUE,
  effectiveValues,
  hasInput,
  isFieldRequired,
  isFieldVisible,
  missingRequiredFields,
} from '../../common/plugin/rules.ts'
import { FieldBlock } from './FieldBlock.tsx'
import { Markdown, OpenLinkContext } from './Markdown.tsx'
import { ProblemList } from './ProblemList.tsx'
import { unsavedSecretsNote, type SecretStorage } from './secret-notes.ts'
import { usePluginJsonForm } from './use-plugin-json-form.ts'
import './config-form.css'

export interface ConfigFormProps {
  /** plugin.json as it is in the editor right now (saved or not). */
  pluginJsonText: string
  /** Typed values by field key (strings, as PostHog passes them). Unset keys show their default. */
  values: Record<string, string>
  attachments: Record<string, AttachmentInfo | undefined>
  /** Keys whose secret value is stored (see secretStorage): shown masked, never sent here. */
  savedSecrets: string[]
  /** Where secret values go when saved; the notes about secrets say so. */
  secretStorage: SecretStorage
  /** Show the form as a PostHog user sees it, without studio controls. */
  posthogPreview: boolean
  /** The last setupPlugin error, shown next to the form. */
  setupError?: string | null
  /** The file name problems are reported against. */
  file?: string
  onChange(values: Record<string, string>): void
  onAttachment(key: string, file: File | null): void
  /** The user asked to replace a stored secret: forget it, and drop the key from savedSecrets. */
  onResetSecret(key: string): void
  /** Called whenever the problems of plugin.json change (for editor markers). */
  onProblems?(problems: PluginJsonProblem[]): void
  /** Opens a link from the plugin's markdown in the system browser. */
  onOpenLink?(url: string): void
  /** Reveals a problem's place in the editor. */
  onRevealProblem?(problem: PluginJsonProblem): void
  /**
   * Saves the configuration (typed secrets go to the secret store). Resolves true when it was saved,
   * false when it was not (refused, failed: the caller shows why); a rejection counts as false.
   * "Saved." is shown only after it resolves true. Without it no studio save button is shown.
   */
  onSave?(): Promise<boolean>
}

export function ConfigForm(props: ConfigFormProps) {
  const { plugin, problems, stale } = usePluginJsonForm(props.pluginJsonText, props.file)
  const uid = useId()
  const [editingSecrets, setEditingSecrets] = useState<ReadonlySet<string>>(new Set())
  const [focusKey, setFocusKey] = useState<string | null>(null)
  const [touched, setTouched] = useState<ReadonlySet<string>>(new Set())
  const [submitted, setSubmitted] = useState(false)
  const [savedNote, setSavedNote] = useState(false)
  // Bumped by every save and every edit: a save's outcome shows only if nothing happened since.
  const saveGeneration = useRef(0)
  const preview = props.posthogPreview
  const studio = !preview

  // Reported when the problems change, not when the callback's identity does.
  const onProblems = useRef(props.onProblems)
  useEffect(() => {
    onProblems.current = props.onProblems
  })
  const problemsKey = JSON.stringify(problems)
  useEffect(() => {
    onProblems.current?.(JSON.parse(problemsKey) as PluginJsonProblem[])
  }, [problemsKey])

  // A stored secret the user reset is edited until it is stored again (its key leaves and re-enters savedSecrets).
  const savedKey = props.savedSecrets.join('\u0000')
  useEffect(() => {
    const saved = new Set(savedKey ? savedKey.split('\u0000') : [])
    setEditingSecrets((editing) => {
      const next = new Set([...editing].filter((key) => saved.has(key)))
      return next.size === editing.size ? editing : next
    })
  }, [savedKey])

  const fields = useMemo(() => plugin?.config ?? [], [plugin])
  const isMasked = (key: string | undefined, secret: boolean | undefined) =>
    !!key && !!secret && !editingSecrets.has(key) && (props.savedSecrets.includes(key) || props.values[key] === SECRET_FIELD_VALUE)
  const maskedKeys = fields.filter((f) => isMasked(f.key, f.secret)).map((f) => f.key as string)
  const sources = { values: props.values, attachments: props.attachments, savedSecrets: maskedKeys }
  const form = effectiveValues(fields, sources)
  const missing = missingRequiredFields(fields, props.values, props.attachments, maskedKeys)
  const missingKeys = new Set(missing.map((m) => m.key))
  const unsavedSecrets = fields.some((f) => f.secret && f.key && !isMasked(f.key, true) && (f.type === 'attachment' ? !!props.attachments[f.key] : !!props.values[f.key]))

  const clearSavedNote = () => {
    saveGeneration.current++
    setSavedNote(false)
  }
  const setValue = (key: string, value: string) => {
    clearSavedNote()
    props.onChange({ ...props.values, [key]: value })
  }
  const resetSecret = (key: string, fallback: string | undefined, attachment: boolean) => {
    setEditingSecrets((editing) => new Set([...editing, key]))
    setFocusKey(key)
    props.onResetSecret(key)
    if (!attachment) props.onChange({ ...props.values, [key]: fallback || '' })
  }
  const save = () => {
    setSubmitted(true)
    clearSavedNote()
    if (preview && missing.length) return
    if (!props.onSave) return
    const generation = saveGeneration.current
    let saving: Promise<boolean>
    try {
      saving = Promise.resolve(props.onSave())
    } catch {
      return
    }
    saving.then(
      (saved) => {
        if (saved === true && generation === saveGeneration.current) setSavedNote(true)
      },
      () => undefined,
    )
  }

  const body = !plugin ? (
    <p className="cf-empty">The form appears when plugin.json can be read.</p>
  ) : (
    <>
      {fields.length === 0 && <div className="cf-not-configurable">This app is not configurable.</div>}
      {fields.map((field, index) => {
        const key = field.key
        const visible = isFieldVisible(field, form)
        const required = hasInput(field) && isFieldRequired(field, form)
        const isMissing = !!key && missingKeys.has(key)
        const value = key ? (props.values[key] ?? (isMasked(key, field.secret) ? '' : (field.default ?? ''))) : ''
        return (
          <FieldBlock
            key={key ? `k:${key}:${index}` : `i:${index}`}
            field={field}
            id={`${uid}-field-${index}`}
            value={typeof value === 'string' ? value : String(value)}
            attachment={key ? props.attachments[key] : undefined}
            masked={isMasked(key, field.secret)}
            visible={visible}
            required={required}
            showRequiredError={isMissing && (studio || submitted || (!!key && touched.has(key)))}
            studio={studio}
            secretStorage={props.secretStorage}
            autoFocus={!!key && focusKey === key}
            onValue={(v) => key && setValue(key, v)}
            onAttachment={(file) => {
              if (!key) return
              clearSavedNote()
              setTouched((t) => new Set([...t, key]))
              props.onAttachment(key, file)
            }}
            onResetSecret={() => key && resetSecret(key, field.default, field.type === 'attachment')}
            onTouched={() => key && setTouched((t) => (t.has(key) ? t : new Set([...t, key])))}
          />
        )
      })}
    </>
  )

  return (
    <OpenLinkContext.Provider value={props.onOpenLink}>
      <div className={preview ? 'cf-root cf-preview' : 'cf-root cf-studio'}>
        {studio ? (
          <ProblemList problems={problems} stale={stale} onReveal={props.onRevealProblem} />
        ) : (
          problems.some((p) => (p.severity ?? 'error') === 'error') && (
            <div className="cf-preview-stale" role="status">
              plugin.json has problems: this preview shows the last good form.
            </div>
          )
        )}
        {props.setupError && (
          <div className="cf-setup-error" role="alert">
            <div className="cf-setup-error-title">setupPlugin failed</div>
            <pre>{props.setupError}</pre>
          </div>
        )}
        {studio && plugin && missing.length > 0 && (
          <div className="cf-missing" role="status">
            <strong>Missing required {missing.length === 1 ? 'field' : 'fields'}:</strong>{' '}
            {missing.map((m, i) => (
              <span key={m.key}>
                {i > 0 && ', '}
                <span className="cf-missing-name">{m.label}</span>
                {m.hidden && <span className="cf-muted"> (hidden by visible_if)</span>}
              </span>
            ))}
            <span className="cf-muted">
              {' '}
              (runs are refused until {missing.length === 1 ? 'it is' : 'they are'} filled in)
            </span>
          </div>
        )}
        {preview ? (
          <section className="cf-ph-drawer" aria-label="PostHog preview">
            {plugin && (
              <header className="cf-ph-header">
                <div className="cf-ph-avatar" aria-hidden="true">
                  {(plugin.name || '?').slice(0, 1).toUpperCase()}
                </div>
                <div>
                  <div className="cf-ph-name">{plugin.name}</div>
                  {plugin.description && <Markdown className="cf-ph-description" source={plugin.description} />}
                </div>
              </header>
            )}
            <h3 className="cf-ph-section">Configuration</h3>
            <form className="cf-form" noValidate onSubmit={(e) => (e.preventDefault(), save())}>
              {body}
              {plugin && (
                <div className="cf-ph-footer">
                  {savedNote && submitted && missing.length === 0 && <span className="cf-muted">Saved.</span>}
                  <button type="submit" className="cf-button cf-button-primary">
                    Save
                  </button>
                </div>
              )}
            </form>
          </section>
        ) : (
          <form className="cf-form" noValidate onSubmit={(e) => (e.preventDefault(), save())}>
            {body}
            {plugin && props.onSave && fields.length > 0 && (
              <div className="cf-studio-footer">
                {unsavedSecrets && <span className="cf-muted">{unsavedSecretsNote(props.secretStorage)}</span>}
                {savedNote && !unsavedSecrets && <span className="cf-muted">Saved.</span>}
                <button type="submit" className="cf-button cf-button-primary">
                  Save configuration
                </button>
              </div>
            )}
          </form>
        )}
      </div>
    </OpenLinkContext.Provider>
  )
}
