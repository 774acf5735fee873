// The plugin's configuration form as PostHog renders it (renderer/config-form), live from the
// plugin.json in the editor, bound to the workspace's stored config. Save stores it and reruns.
import { useCallback, useEffect, useMemo, useState } from 'react'
import type { PluginJsonProblem } from '../../common/plugin/plugin-json.ts'
import { checkPluginJson } from '../../common/plugin/validate.ts'
import { ConfigForm, problemsToMarkers } from '../config-form/index.ts'
import type { PluginConfigState } from '../../common/protocol/studio.ts'
import { useStore } from '../state/store.ts'
import { attempt, errorText, notify, store } from '../state/studio-state.ts'
import { updateConfig } from '../state/workspace-actions.ts'
import { openFile, refreshFiles } from '../state/file-actions.ts'
import { studio } from '../state/client.ts'
import { run } from '../state/run-actions.ts'
import { revealPosition } from '../editor/editor-control.ts'
import { getModel } from '../editor/models.ts'
import { monaco } from '../editor/monaco-setup.ts'
import { usePluginJsonText } from './plugin-json-text.ts'
import { configPatch, draftFromConfig, type ConfigDraft } from './config-draft.ts'

const MARKER_OWNER = 'plugin.json rules'

export function ConfigurationPane() {
  const plugin = useStore(store, (s) => s.selectedPlugin)
  const config = useStore(store, (s) => s.config)
  const text = usePluginJsonText(plugin)
  const [preview, setPreview] = useState(false)
  return (
    <section aria-label="Configuration" className="pane config-pane">
      <header className="pane-header">
        <h2>Configuration</h2>
        <label className="toggle">
          <input type="checkbox" checked={preview} onChange={(e) => setPreview(e.target.checked)} />
          PostHog preview
        </label>
      </header>
      <div className="pane-body config-body">
        {!plugin && <p className="empty">Select a plugin to see its configuration form.</p>}
        {plugin && text === null && <p className="empty">This plugin has no plugin.json.</p>}
        {plugin && text !== null && config?.plugin === plugin && <BoundForm key={plugin} plugin={plugin} text={text} config={config} preview={preview} />}
      </div>
    </section>
  )
}

function BoundForm({ plugin, text, config, preview }: { plugin: string; text: string; config: PluginConfigState; preview: boolean }) {
  const fields = useMemo(() => checkPluginJson(text).plugin?.config ?? [], [text])
  const files = useStore(store, (s) => s.files[plugin] ?? [])
  const setupError = useStore(store, (s) => s.setup.find((r) => r.plugin === plugin)?.error ?? null)
  const [draft, setDraft] = useState<ConfigDraft>(() => draftFromConfig(config, fields, files))
  // A stored config that changed (saved here, or reloaded) replaces the draft.
  useEffect(() => setDraft(draftFromConfig(config, fields, files)), [config])

  const jsonPath = `${plugin}/plugin.json`
  const onProblems = useCallback(
    (problems: PluginJsonProblem[]) => {
      const model = getModel(jsonPath)
      if (model) monaco.editor.setModelMarkers(model, MARKER_OWNER, problemsToMarkers(problems))
    },
    [jsonPath],
  )

  const save = async () => {
    const attachmentPaths: Record<string, string | null> = {}
    for (const [key, file] of Object.entries(draft.files)) {
      if (!file) {
        attachmentPaths[key] = null
        continue
      }
      let content: string
      try {
        content = new TextDecoder('utf-8', { fatal: true }).decode(await file.arrayBuffer())
      } catch {
        throw new Error(`${file.name} is not a text file; the studio can store text attachments (CSV, JSON, …) only.`)
      }
      const path = `${plugin}/attachments/${file.name.replace(/[/\\]/g, '_')}`
      await studio().writeFile(path, content)
      attachmentPaths[key] = path
    }
    await updateConfig(configPatch(config, draft, fields, attachmentPaths))
    if (Object.keys(attachmentPaths).length) await refreshFiles(plugin)
    notify('info', 'Configuration saved.')
    await run()
  }

  return (
    <ConfigForm
      pluginJsonText={text}
      file={jsonPath}
      values={draft.values}
      attachments={draft.attachments}
      savedSecrets={draft.savedSecrets}
      posthogPreview={preview}
      setupError={setupError}
      onChange={(values) => setDraft((d) => ({ ...d, values }))}
      onAttachment={(key, file) =>
        setDraft((d) => ({
          ...d,
          attachments: { ...d.attachments, [key]: file ? { file_name: file.name, content_type: file.type || 'application/octet-stream', size: file.size } : undefined },
          files: { ...d.files, [key]: file },
          savedSecrets: d.savedSecrets.filter((k) => k !== key),
        }))
      }
      onResetSecret={(key) => setDraft((d) => ({ ...d, savedSecrets: d.savedSecrets.filter((k) => k !== key) }))}
      onProblems={onProblems}
      onOpenLink={(url) => window.open(url, '_blank', 'noopener,noreferrer')}
      onRevealProblem={(problem) =>
        attempt(openFile(jsonPath).then(() => revealPosition(jsonPath, problem.line ?? 1, problem.column ?? 1)))
      }
      onSave={() => void save().catch((error) => notify('error', `Could not save the configuration: ${errorText(error)}`))}
    />
  )
}
