// Per-workspace settings: runtime limits, Redis for meta.cache, what fetch may reach.
import { useState } from 'react'
import type { NetworkPolicy, StudioSettings } from '../../common/protocol/studio.ts'
import { Dialog } from '../layout/Dialog.tsx'
import { useStore } from '../state/store.ts'
import { errorText, notify, store } from '../state/studio-state.ts'
import { updateSettings } from '../state/workspace-actions.ts'

export function SettingsDialog() {
  const settings = useStore(store, (s) => s.settings)
  return settings ? <SettingsForm settings={settings} /> : null
}

function SettingsForm({ settings }: { settings: StudioSettings }) {
  const [timeoutMs, setTimeoutMs] = useState(String(settings.runtime.timeoutMs))
  const [memoryMb, setMemoryMb] = useState(String(settings.runtime.memoryMb))
  const [redisUrl, setRedisUrl] = useState(settings.redisUrl ?? '')
  const [mode, setMode] = useState<NetworkPolicy['mode']>(settings.network.mode)
  const [hosts, setHosts] = useState(settings.network.mode === 'allow-list' ? settings.network.hosts.join('\n') : '')
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const close = () => store.set({ dialog: null })

  const submit = async () => {
    const network: NetworkPolicy =
      mode === 'allow-list' ? { mode, hosts: hosts.split(/[\s,]+/).map((h) => h.trim()).filter(Boolean) } : { mode }
    setBusy(true)
    try {
      await updateSettings({
        runtime: { timeoutMs: Number(timeoutMs), memoryMb: Number(memoryMb) },
        redisUrl: redisUrl.trim() || null,
        network,
      })
      notify('info', 'Settings saved. The plugin reloads on the next run.')
      close()
    } catch (e) {
      setError(errorText(e))
      setBusy(false)
    }
  }

  return (
    <Dialog
      title="Workspace settings"
      onClose={close}
      onSubmit={() => void submit()}
      footer={
        <>
          <button type="button" onClick={close}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={busy}>
            Save settings
          </button>
        </>
      }
    >
      <fieldset className="field-group">
        <legend>Runtime limits</legend>
        <label className="field">
          <span>Timeout per plugin call (ms)</span>
          <input type="number" min={100} max={600000} step={100} value={timeoutMs} onChange={(e) => setTimeoutMs(e.target.value)} />
          <small>PostHog stops a call after 30 000 ms.</small>
        </label>
        <label className="field">
          <span>Memory per plugin (MB)</span>
          <input type="number" min={8} max={4096} value={memoryMb} onChange={(e) => setMemoryMb(e.target.value)} />
        </label>
      </fieldset>
      <fieldset className="field-group">
        <legend>Cache</legend>
        <label className="field">
          <span>Redis URL</span>
          <input type="text" placeholder="redis://127.0.0.1:6379" value={redisUrl} spellCheck={false} onChange={(e) => setRedisUrl(e.target.value)} />
          <small>Leave empty to use the built-in in-memory cache.</small>
        </label>
      </fieldset>
      <fieldset className="field-group">
        <legend>Network access for fetch</legend>
        {(
          [
            ['allow-all', 'Allow every host'],
            ['allow-list', 'Only these hosts'],
            ['deny-all', 'No network access'],
          ] as const
        ).map(([value, label]) => (
          <label key={value} className="inline-choice">
            <input type="radio" name="network" value={value} checked={mode === value} onChange={() => setMode(value)} />
            {label}
          </label>
        ))}
        {mode === 'allow-list' && (
          <label className="field">
            <span>Allowed hosts (one per line; *.example.com for subdomains)</span>
            <textarea rows={4} value={hosts} spellCheck={false} onChange={(e) => setHosts(e.target.value)} />
          </label>
        )}
      </fieldset>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
    </Dialog>
  )
}
