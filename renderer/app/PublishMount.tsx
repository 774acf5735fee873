// Mounts the publish dialog (renderer/publish) for the selected plugin: its `api` is the studio
// client's publish methods, its progress the backend's `publishProgress` events, and the last
// target per plugin is remembered in localStorage.
import { useEffect, useMemo, useState } from 'react'
import { PublishDialog, type PublishApi, type PublishTarget } from '../publish/PublishDialog.tsx'
import { studio } from '../state/client.ts'
import { useStore } from '../state/store.ts'
import { notify, store } from '../state/studio-state.ts'

/** The publish service's methods (main/services/publish/publish-service.ts) as the studio protocol serves them. */
const PUBLISH_METHODS = [
  'secretsStatus',
  'acceptSessionOnlySecrets',
  'publishAccount',
  'signIn',
  'signOut',
  'npmPrepare',
  'npmPublish',
  'posthogConnect',
  'posthogPublish',
] as const satisfies readonly (keyof PublishApi)[]

type Callable = Record<string, (...params: unknown[]) => Promise<unknown>>
type Listenable = { on(name: string, listener: (payload: unknown) => void): () => void }

function publishApi(): PublishApi {
  // The client is a proxy that forwards any method name; these are typed by PublishApi.
  const client = studio() as unknown as Callable
  return Object.fromEntries(PUBLISH_METHODS.map((method) => [method, (...params: unknown[]) => client[method](...params)])) as unknown as PublishApi
}

type Defaults = { target?: PublishTarget; registry?: string; host?: string; projectId?: number }
const defaultsKey = (workspace: string, plugin: string) => `plugin-studio:publish:${workspace}:${plugin}`

export function PublishMount({ plugin }: { plugin: string }) {
  const summary = useStore(store, (s) => s.plugins.find((p) => p.id === plugin))
  const workspace = useStore(store, (s) => s.workspace?.dir ?? '')
  const [progress, setProgress] = useState<string[]>([])
  const api = useMemo(publishApi, [])
  const defaults = useMemo<Defaults | undefined>(() => {
    try {
      return JSON.parse(localStorage.getItem(defaultsKey(workspace, plugin)) ?? 'null') ?? undefined
    } catch {
      return undefined
    }
  }, [workspace, plugin])
  useEffect(
    () =>
      (studio() as unknown as Listenable).on('publishProgress', (payload) => {
        const step = typeof payload === 'string' ? payload : ((payload as { message?: string; step?: string })?.message ?? (payload as { step?: string })?.step)
        if (step) setProgress((steps) => [...steps, step])
      }),
    [],
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
