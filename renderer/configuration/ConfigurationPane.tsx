// The plugin's configuration form, as PostHog renders it, bound to the workspace's config values.
import { useEffect, useRef } from 'react'
import type { ComponentType } from 'react'
import { useStore } from '../state/store.ts'
import { attempt, store } from '../state/studio-state.ts'
import { updateConfig } from '../state/workspace-actions.ts'
import { run } from '../state/run-actions.ts'
import { usePluginJsonText } from './plugin-json-text.ts'

interface ConfigFormProps {
  pluginJsonText: string
  values: Record<string, string>
  onChange(values: Record<string, string>): void
}
const forms = import.meta.glob<{ ConfigForm: ComponentType<ConfigFormProps> }>('../config-form/ConfigForm.tsx', { eager: true })
const ConfigForm = Object.values(forms)[0]?.ConfigForm

/** Config changes are stored (and the event rerun) once typing pauses. */
const STORE_DELAY_MS = 400

export function ConfigurationPane() {
  const plugin = useStore(store, (s) => s.selectedPlugin)
  const config = useStore(store, (s) => s.config)
  const text = usePluginJsonText(plugin)
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined)
  useEffect(() => () => clearTimeout(timer.current), [plugin])

  const onChange = (values: Record<string, string>) => {
    const before = store.get().config?.values ?? {}
    const patch: Record<string, string | null> = {}
    for (const [key, value] of Object.entries(values)) if (before[key] !== value) patch[key] = value
    for (const key of Object.keys(before)) if (!(key in values)) patch[key] = null
    if (Object.keys(patch).length === 0) return
    store.set((s) => (s.config ? { config: { ...s.config, values } } : {}))
    clearTimeout(timer.current)
    timer.current = setTimeout(() => attempt(updateConfig(patch).then(() => run())), STORE_DELAY_MS)
  }

  return (
    <section aria-label="Configuration" className="pane config-pane">
      <header className="pane-header">
        <h2>Configuration</h2>
      </header>
      <div className="pane-body">
        {!plugin && <p className="empty">Select a plugin to see its configuration form.</p>}
        {plugin && text === null && <p className="empty">This plugin has no plugin.json.</p>}
        {plugin && text !== null && config && ConfigForm && <ConfigForm pluginJsonText={text} values={config.values} onChange={onChange} />}
      </div>
    </section>
  )
}
