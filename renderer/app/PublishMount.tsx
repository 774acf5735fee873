// Mounts the publish dialog (renderer/publish) for the selected plugin: its `api` is the studio
// client (which carries common/protocol/publish.ts), its progress the backend's `publishProgress`
// events for this plugin, and the last target per plugin is remembered in localStorage.
import { useEffect, useMemo, useState } from 'react'
import { PublishDialog } from '../publish/PublishDialog.tsx'
import type { PublishApi, PublishTarget } from '../publish/publish-api.ts'
import { studio } from '../state/client.ts'
import { useStore } from '../state/store.ts'
import { notify, store } from '../state/studio-state.ts'

type Defaults = { target?: PublishTarget; registry?: string; host?: string; projectId?: number }
const defaultsKey = (workspace: string, plugin: string) => `plugin-studio:publish:${workspace}:${plugin}`

export function PublishMount({ plugin }: { plugin: string }) {
  const summary = useStore(store, (s) => s.plugins.find((p) => p.id === plugin))
  const workspace = useStore(store, (s) => s.workspace?.dir ?? '')
  const [progress, setProgress] = useState<string[]>([])
  const api: PublishApi = studio()
  const defaults = useMemo<Defaults | undefined>(() => {
    try {
      return JSON.parse(localStorage.getItem(defaultsKey(workspace, plugin)) ?? 'null') ?? undefined
    } catch {
      return undefined
    }
  }, [workspace, plugin])
  useEffect(
    () =>
      studio().on('publishProgress', (event) => {
        if (event.plugin === plugin) setProgress((steps) => [...steps, event.step])
      }),
    [plugin],
  )
  return (
    <PublishDialog
      plugin={plugin}
      pluginName={summary?.name ?? plugin}
      api={api}
      progress={progress}
      defaults={defaults}
      onPublished={(target, where) => localStorage.setItem(defaultsKey(workspace, plugin), JSON.stringify({ target, ...where }))}
      onFieldError={(field, message) => notify('error', `PostHog refused the config field "${field}": ${message}`)}
      onClose={() => store.set({ dialog: null })}
    />
  )
}
