// Test page for config-form.browser.test.ts: mounts ConfigForm with state kept the way the app keeps
// it, and lets the test drive the props through window.harness.
import { useEffect, useState } from 'react'
import { createRoot } from 'react-dom/client'
import type { PluginJsonProblem } from '../../common/plugin/plugin-json.ts'
import { checkPluginJson } from '../../common/plugin/validate.ts'
import { ConfigForm } from './ConfigForm.tsx'
import { useConfigFormState } from './use-config-form-state.ts'

interface Harness {
  setText(text: string): void
  setPreview(preview: boolean): void
  setSetupError(error: string | null): void
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
  const [stored, setStored] = useState<Record<string, string>>({})
  const state = useConfigFormState()
  useEffect(() => {
    harness.setText = setText
    harness.setPreview = setPreview
    harness.setSetupError = setSetupError
    harness.state = () => ({ values: state.values, attachments: state.attachments, savedSecrets: state.savedSecrets, stored })
  })
  return (
    <ConfigForm
      pluginJsonText={text}
      values={state.values}
      attachments={state.attachments}
      savedSecrets={state.savedSecrets}
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
      onSave={() => {
        const fields = checkPluginJson(text).plugin?.config ?? []
        setStored((s) => ({ ...s, ...state.saveSecrets(fields) }))
      }}
    />
  )
}

createRoot(document.getElementById('root')!).render(<App />)
