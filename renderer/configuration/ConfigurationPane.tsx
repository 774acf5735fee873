// The plugin's configuration form as PostHog renders it (renderer/config-form), live from the
// plugin.json in the editor, bound to the workspace's stored config. Plain values are stored as they
// are typed (debounced) and the selected event reruns; secrets and secret attachments are stored only
// by "Save configuration" (into the OS keychain, or for this session only when there is none).
import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import type { ConfigField, PluginJsonProblem } from '../../common/plugin/plugin-json.ts'
import { missingRequiredFields } from '../../common/plugin/rules.ts'
import { checkPluginJson } from '../../common/plugin/validate.ts'
import { ConfigForm, problemsToMarkers, usePluginJsonForm } from '../config-form/index.ts'
import { NO_SECRET_STORE_ERROR, type ConfigAttachmentUpload, type ConfigPatch, type PluginConfigState } from '../../common/protocol/studio.ts'
import { useStore } from '../state/store.ts'
import { attempt, errorText, notify, store } from '../state/studio-state.ts'
import { refreshConfig, updateConfig } from '../state/workspace-actions.ts'
import { openFile, saveFile } from '../state/file-actions.ts'
import { studio } from '../state/client.ts'
import { run } from '../state/run-actions.ts'
import { revealPosition } from '../editor/editor-control.ts'
import { getModel, isDirty } from '../editor/models.ts'
import { monaco } from '../editor/monaco-setup.ts'
import { usePluginJsonText } from './plugin-json-text.ts'
import { configPatch, draftFromConfig, rebaseDraft, settleUploads, uploadOf, valuesPatch, type ConfigDraft } from './config-draft.ts'
import './configuration.css'

const MARKER_OWNER = 'plugin.json rules'
/** How long typing pauses before a plain value is stored and the selected event reruns. */
export const AUTOSAVE_DELAY_MS = 300

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

/** The stored config of `plugin` right now (saves read it, not a render's snapshot). */
function storedConfig(plugin: string): PluginConfigState | null {
  const config = store.get().config
  return config?.plugin === plugin ? config : null
}

/** Opens a link from the plugin's markdown in the system browser (browser mode: a new tab, no opener). */
async function openLink(url: string): Promise<void> {
  const opened = await studio().openExternal(url)
  if (opened.openedBy === 'browser') window.open(opened.url, '_blank', 'noopener')
}

function BoundForm({ plugin, text, config, preview }: { plugin: string; text: string; config: PluginConfigState; preview: boolean }) {
  const jsonPath = `${plugin}/plugin.json`
  // The fields the form shows: the editor's plugin.json, or its last good version while it has errors.
  const form = usePluginJsonForm(text, jsonPath)
  const fields = useMemo<ConfigField[]>(() => form.plugin?.config ?? [], [form.plugin])
  // setupPlugin's failure: at load (plugins set up eagerly), or on the event that ran it (PostHog's lazy setup).
  const setupError = useStore(store, (s) => {
    const atLoad = s.setup.find((r) => r.plugin === plugin)?.error
    if (atLoad) return atLoad
    const shown = s.shownResult === null ? undefined : s.results[s.shownResult]
    return shown?.stages.find((stage) => stage.plugin === plugin && stage.method === 'setupPlugin' && stage.error)?.error ?? null
  })
  const refusal = useStore(store, (s) => s.runRefusal)
  // The fields of plugin.json as saved: the backend's view (which fields are secret, what is missing).
  const savedFieldsKey = useStore(store, (s) => JSON.stringify(s.plugins.find((p) => p.id === plugin)?.config ?? null))

  const [draft, setDraft] = useState<ConfigDraft>(() => draftFromConfig(config))
  const latest = useRef({ draft, fields })
  latest.current = { draft, fields }
  const [storeRefusal, setStoreRefusal] = useState<string | null>(null)
  // The refusal comes from a click on Save at the bottom of the form: bring the question into view.
  const storeBanner = useRef<HTMLDivElement>(null)
  const storeButton = useRef<HTMLButtonElement>(null)
  useEffect(() => {
    if (!storeRefusal) return
    storeBanner.current?.scrollIntoView({ block: 'nearest' })
    storeButton.current?.focus({ preventScroll: true })
  }, [storeRefusal])
  const [busy, setBusy] = useState(false)

  // A stored config that changed (a save, a reload) comes into the draft; unsaved edits stay.
  const base = useRef(config)
  useEffect(() => {
    const before = base.current
    if (before === config) return
    base.current = config
    setDraft((d) => rebaseDraft(d, before, config))
  }, [config])

  // plugin.json saved (here or outside): which fields are secret or missing may have changed.
  const firstFieldsKey = useRef(savedFieldsKey)
  useEffect(() => {
    if (savedFieldsKey === firstFieldsKey.current) return
    firstFieldsKey.current = savedFieldsKey
    attempt(refreshConfig())
  }, [savedFieldsKey])

  const onProblems = useCallback(
    (problems: PluginJsonProblem[]) => {
      const model = getModel(jsonPath)
      if (model) monaco.editor.setModelMarkers(model, MARKER_OWNER, problemsToMarkers(problems))
    },
    [jsonPath],
  )

  // Saves run one after another, each against the stored config and the draft of its own moment.
  const queue = useRef<Promise<unknown>>(Promise.resolve())
  const enqueue = <T,>(work: () => Promise<T>): Promise<T> => {
    const next = queue.current.then(work)
    queue.current = next.catch(() => undefined)
    return next
  }

  /**
   * The backend tells secret from plain by plugin.json as saved: unsaved edits to it are saved first,
   * unless they have errors (then the saved file decides, and an explicit save says so).
   */
  const savePluginJsonFirst = async (explicit: boolean) => {
    if (!isDirty(jsonPath)) return
    const model = getModel(jsonPath)
    if (model && checkPluginJson(model.getValue(), jsonPath).hasErrors) {
      if (explicit) notify('error', `${jsonPath} has unsaved edits with problems: the configuration was saved against plugin.json as it is on disk.`)
      return
    }
    if (!(await saveFile(jsonPath))) throw new Error(`${jsonPath} has unsaved edits that were not saved; save it before the configuration`)
  }

  /** Stores `patch`; a secret with nowhere to go is not an error but a question (shown above the form). */
  const persist = async (patch: ConfigPatch): Promise<boolean> => {
    try {
      await updateConfig(patch)
    } catch (error) {
      if ((error as Error).name !== NO_SECRET_STORE_ERROR) throw error
      setStoreRefusal(errorText(error))
      return false
    }
    setStoreRefusal(null)
    return true
  }

  /** Plain values as typed: stored, then the selected event reruns. */
  const autosave = () =>
    enqueue(async () => {
      const stored = storedConfig(plugin)
      if (!stored) return
      const patch = valuesPatch(stored, latest.current.draft, latest.current.fields)
      if (Object.keys(patch).length === 0) return
      await savePluginJsonFirst(false)
      if (await persist(patch)) void run()
    }).catch((error) => notify('error', `Could not save the configuration: ${errorText(error)}`))

  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined)
  const scheduleAutosave = () => {
    clearTimeout(timer.current)
    timer.current = setTimeout(() => {
      timer.current = undefined
      void autosave()
    }, AUTOSAVE_DELAY_MS)
  }
  // Leaving the plugin within the delay still stores what was typed (against its last stored config).
  useEffect(() => {
    const pending = timer
    const last = base
    const now = latest
    return () => {
      if (pending.current === undefined) return
      clearTimeout(pending.current)
      const patch = valuesPatch(last.current, now.current.draft, now.current.fields)
      if (Object.keys(patch).length) studio().setConfig(plugin, patch).catch((error) => notify('error', `Could not save the configuration of ${plugin}: ${errorText(error)}`))
    }
  }, [plugin])

  /**
   * Everything: typed secrets, picked files (as base64), plain values; then the selected event reruns.
   * True when it was stored; false when not (refused or failed: the banner or a notification says why).
   */
  const save = (): Promise<boolean> =>
    enqueue(async () => {
      clearTimeout(timer.current)
      timer.current = undefined
      setBusy(true)
      try {
        await savePluginJsonFirst(true)
        const stored = storedConfig(plugin)
        if (!stored) return false
        const { draft: current, fields: shown } = latest.current
        const sent = { ...current.files }
        const uploads: Record<string, ConfigAttachmentUpload | null> = {}
        for (const [key, file] of Object.entries(sent)) uploads[key] = file ? await uploadOf(file) : null
        if (!(await persist(configPatch(stored, current, shown, uploads)))) return false
        const saved = storedConfig(plugin)
        if (saved) setDraft((d) => settleUploads(d, sent, saved))
        notify('info', 'Configuration saved.')
        void run()
        return true
      } finally {
        setBusy(false)
      }
    }).catch((error) => {
      notify('error', `Could not save the configuration: ${errorText(error)}`)
      return false
    })

  /** A picked (or removed) plain attachment is stored at once, like a typed value; a secret one waits for Save. */
  const pickAttachment = (key: string, file: File | null) => {
    setDraft((d) => ({
      ...d,
      attachments: { ...d.attachments, [key]: file ? { file_name: file.name, content_type: file.type || 'application/octet-stream', size: file.size } : undefined },
      files: { ...d.files, [key]: file },
      savedSecrets: d.savedSecrets.filter((k) => k !== key),
    }))
    if (fields.some((f) => f.key === key && f.secret)) return
    void enqueue(async () => {
      const stored = storedConfig(plugin)
      if (!stored) return
      await savePluginJsonFirst(false)
      if (!(await persist({ [key]: file ? await uploadOf(file) : null }))) return
      const saved = storedConfig(plugin)
      if (saved) setDraft((d) => settleUploads(d, { [key]: file }, saved))
      void run()
    }).catch((error) => notify('error', `Could not store ${file?.name ?? 'the attachment'}: ${errorText(error)}`))
  }

  const acceptSessionOnly = () =>
    void enqueue(async () => {
      await studio().acceptSessionOnlySecrets()
      setStoreRefusal(null)
      await refreshConfig()
    })
      .then(() => save())
      .catch((error) => notify('error', `Could not keep secrets for this session: ${errorText(error)}`))

  const hasSecrets = fields.some((f) => f.secret && f.key)
  const askForStore = !preview && (storeRefusal !== null || (config.secretStore.store === 'none' && hasSecrets))
  // Required fields the form shows filled in but the stored config lacks (a typed secret not saved yet).
  const formMissing = new Set(missingRequiredFields(fields, draft.values, draft.attachments, draft.savedSecrets).map((m) => m.key))
  const unsaved = config.missing.filter((m) => !formMissing.has(m.key))

  return (
    <div className="config-bound" aria-busy={busy}>
      {!preview && refusal && (
        <div className="config-banner config-banner-error" role="alert" aria-label="Run refused">
          <strong>Run refused.</strong> <span className="config-banner-text">{refusal}</span>
        </div>
      )}
      {!preview && unsaved.length > 0 && (
        <div className="config-banner config-banner-warning" role="status">
          Not saved yet: {unsaved.map((m) => m.label).join(', ')}. Runs use the saved configuration: press Save configuration.
        </div>
      )}
      {askForStore && (
        <div ref={storeBanner} className="config-banner config-banner-warning" role="alert" aria-label="No keychain">
          <span className="config-banner-text">
            {storeRefusal ??
              'No OS keychain here, and secret values never go to a file: secret fields can be kept in memory for this session only (enter them again after a restart).'}
          </span>
          <button ref={storeButton} type="button" className="small" onClick={acceptSessionOnly}>
            Keep secrets for this session only
          </button>
        </div>
      )}
      {!preview && !askForStore && hasSecrets && config.secretStore.store === 'session' && (
        <p className="config-note">Secrets are kept in memory for this session only: enter them again after restarting the studio.</p>
      )}
      <ConfigForm
        pluginJsonText={text}
        file={jsonPath}
        values={draft.values}
        attachments={draft.attachments}
        savedSecrets={draft.savedSecrets}
        secretStorage={config.secretStore.store}
        posthogPreview={preview}
        setupError={setupError}
        onChange={(values) => {
          setDraft((d) => ({ ...d, values }))
          scheduleAutosave()
        }}
        onAttachment={pickAttachment}
        onResetSecret={(key) => setDraft((d) => ({ ...d, savedSecrets: d.savedSecrets.filter((k) => k !== key) }))}
        onProblems={onProblems}
        onOpenLink={(url) => attempt(openLink(url))}
        onRevealProblem={(problem) =>
          attempt(openFile(jsonPath).then(() => revealPosition(jsonPath, problem.line ?? 1, problem.column ?? 1)))
        }
        onSave={save}
      />
    </div>
  )
}
