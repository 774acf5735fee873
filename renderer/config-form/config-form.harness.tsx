// Test page for config-form.browser.test.ts: mounts ConfigForm with state kept the way the app keeps
// it, and lets the test drive the props through window.harness.
import { useEffect, useState } from 'react'
import { createRoot } from 'react-dom/client'
import type { PluginJsonProblem } from '../../common/plugin/plugin-json.ts'
import { checkPluginJson } from '../../common/plugin/validate.ts'
import { ConfigForm } from './ConfigForm.tsx'
import type { SecretStorage } from './secret-notes.ts'
import { useConfigFormState } from './use-config-form-state.ts'

interface Harness {
  setText(text: string): void
  setPreview(preview: boolean): void
  setSetupError(error: string | null): void
  setSecretStorage(storage: SecretStorage): void
  /** What the next saves do: store (resolve true), be refused (resolve false, nothing stored) or fail (reject). */
  saveOutcome: 'saved' | 'refused' | 'failed'
  /** While set, a save waits for releaseSave() before it settles. */
  holdSaves: boolean
  releaseSave(): void
  /** How many saves have settled. */
  savesSettled: number
  state(): { values: Record<string, string>; attachments: Record<string, unknown>; savedSecrets: string[]; stored: Record<string, string> }
  openedLinks: string[]
  problems: PluginJsonProblem[]
  attachmentBytes: Record<string, number>
}

declare global {
  interface Window {
    harness: Harness
    initialPluginJson: string
  }
}

const harness: Harness = {
  setText: () => {},
  setPreview: () => {},
  setSetupError: () => {},
  setSecretStorage: () => {},
  saveOutcome: 'saved',
  holdSaves: false,
  releaseSave: () => {},
  savesSettled: 0,
  state: () => ({ values: {}, attachments: {}, savedSecrets: [], stored: {} }),
  openedLinks: [],
  problems: [],
  attachmentBytes: {},
}
window.harness = harness

function App() {
  const [text, setText] = useState(window.initialPluginJson)
  const [preview, setPreview] = useState(false)
  const [setupError, setSetupError] = useState<string | null>(null)
  const [secretStorage, setSecretStorage] = useState<SecretStorage>('keychain')
  const [stored, setStored] = useState<Record<string, string>>({})
  const state = useConfigFormState()
  useEffect(() => {
    harness.setText = setText
    harness.setPreview = setPreview
    harness.setSetupError = setSetupError
    harness.setSecretStorage = setSecretStorage
    harness.state = () => ({ values: state.values, attachments: state.attachments, savedSecrets: state.savedSecrets, stored })
  })
  return (
    <ConfigForm
      pluginJsonText={text}
      values={state.values}
      attachments={state.attachments}
      savedSecrets={state.savedSecrets}
      secretStorage={secretStorage}
      posthogPreview={preview}
      setupError={setupError}
      onChange={state.setValues}
      onAttachment={(key, file) => {
        state.setAttachment(key, file)
        if (file) void file.arrayBuffer().then((b) => (harness.attachmentBytes[key] = b.byteLength))
      }}
      onResetSecret={state.resetSecret}
      onProblems={(problems) => (harness.problems = problems)}
      onOpenLink={(url) => harness.openedLinks.push(url)}
      onSave={async () => {
        const outcome = harness.saveOutcome
        try {
          if (harness.holdSaves) await new Promise<void>((resolve) => (harness.releaseSave = resolve))
          if (outcome === 'failed') throw new Error('the save failed')
          if (outcome === 'refused') return false
          const fields = checkPluginJson(text).plugin?.config ?? []
          setStored((s) => ({ ...s, ...state.saveSecrets(fields) }))
          return true
        } finally {
          setTimeout(() => harness.savesSettled++)
        }
      }}
    />
  )
}

createRoot(document.getElementById('root')!).render(<App />)
