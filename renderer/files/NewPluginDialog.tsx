// "New plugin": a name, one of the backend's templates, TypeScript or JavaScript.
import { useState } from 'react'
import type { PluginLanguage, TemplateId } from '../../common/protocol/studio.ts'
import { Dialog } from '../layout/Dialog.tsx'
import { useStore } from '../state/store.ts'
import { errorText, store } from '../state/studio-state.ts'
import { createPlugin } from '../state/workspace-actions.ts'

const LANGUAGE_NAMES: Record<PluginLanguage, string> = { ts: 'TypeScript', js: 'JavaScript' }

export function NewPluginDialog() {
  const templates = useStore(store, (s) => s.templates)
  const [name, setName] = useState('')
  const [template, setTemplate] = useState<TemplateId | null>(templates[0]?.id ?? null)
  const [language, setLanguage] = useState<PluginLanguage>('ts')
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const chosen = templates.find((t) => t.id === template)
  const close = () => store.set({ dialog: null })
  const submit = async () => {
    if (!name.trim()) return setError('Give the plugin a name.')
    if (!chosen) return setError('Choose a template.')
    setBusy(true)
    try {
      await createPlugin({ name: name.trim(), template: chosen.id, language: chosen.languages.includes(language) ? language : chosen.languages[0] })
      close()
    } catch (e) {
      setError(errorText(e))
      setBusy(false)
    }
  }
  return (
    <Dialog
      title="New plugin"
      wide
      onClose={close}
      onSubmit={() => void submit()}
      footer={
        <>
          <button type="button" onClick={close}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={busy}>
            {busy ? 'Creating…' : 'Create plugin'}
          </button>
        </>
      }
    >
      <label className="field">
        <span>Plugin name</span>
        <input autoFocus value={name} placeholder="My enrichment plugin" onChange={(e) => (setName(e.target.value), setError(null))} />
      </label>
      <fieldset className="field template-choices">
        <legend>Template</legend>
        {templates.map((t) => (
          <label key={t.id} className={`template-card ${t.id === template ? 'checked' : ''}`}>
            <input type="radio" name="template" value={t.id} checked={t.id === template} onChange={() => setTemplate(t.id)} />
            <span className="template-title">{t.title}</span>
            <span className="template-description">{t.description}</span>
          </label>
        ))}
      </fieldset>
      <fieldset className="field language-choices">
        <legend>Language</legend>
        {(['ts', 'js'] as const).map((id) => (
          <label key={id} className="inline-choice">
            <input
              type="radio"
              name="language"
              value={id}
              checked={language === id}
              disabled={!!chosen && !chosen.languages.includes(id)}
              onChange={() => setLanguage(id)}
            />
            {LANGUAGE_NAMES[id]}
          </label>
        ))}
      </fieldset>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
    </Dialog>
  )
}
