// Mounts the publish dialog (renderer/publish) for the selected plugin: its `api` is the studio
// client (which carries common/protocol/publish.ts), its progress the backend's `publishProgress`
// events for this plugin. Where the plugin was published last (target, registry, host, project —
// never a token) is remembered by the backend in the workspace: asked for before the dialog shows,
// so it opens there again, in every launch (browser mode's localStorage is per port, so per launch).
import { useEffect, useState } from 'react'
import { PublishDialog } from '../publish/PublishDialog.tsx'
import type { PublishApi, PublishTarget } from '../publish/publish-api.ts'
import { studio } from '../state/client.ts'
import { useStore } from '../state/store.ts'
import { notify, store } from '../state/studio-state.ts'

type Defaults = { target?: PublishTarget; registry?: string; host?: string; projectId?: number }

export function PublishMount({ plugin }: { plugin: string }) {
  const summary = useStore(store, (s) => s.plugins.find((p) => p.id === plugin))
  const [progress, setProgress] = useState<string[]>([])
  const api: PublishApi = studio()
  // undefined while asking; then the answer ({} when there is none or the question failed).
  const [defaults, setDefaults] = useState<Defaults | undefined>(undefined)
  useEffect(() => {
    let current = true
    setDefaults(undefined)
    studio()
      .publishDefaults(plugin)
      .then(
        (found) => current && setDefaults(found),
        () => current && setDefaults({}),
      )
    return () => {
      current = false
    }
  }, [plugin])
  useEffect(
    () =>
      studio().on('publishProgress', (event) => {
        if (event.plugin === plugin) setProgress((steps) => [...steps, event.step])
      }),
    [plugin],
  )
  // The dialog takes its defaults when it mounts: wait for them (one local round trip).
  if (!defaults) return null
  return (
    <PublishDialog
      plugin={plugin}
      pluginName={summary?.name ?? plugin}
      api={api}
      progress={progress}
      defaults={defaults}
      onFieldError={(field, message) => notify('error', `PostHog refused the config field "${field}": ${message}`)}
      onClose={() => store.set({ dialog: null })}
    />
  )
}
