// The pipeline the Debugger runs: the selected plugin first, then any other workspace plugins added
// after it, in order — each plugin's processEvent output is a stage of its own.
import { useStore } from '../state/store.ts'
import { attempt, store } from '../state/studio-state.ts'
import { forgetResults } from '../state/run-actions.ts'
import { refreshFiles } from '../state/file-actions.ts'

function setExtras(extras: string[]): void {
  store.set({ pipelineExtras: extras })
  forgetResults()
}

export function PipelineBar({ busy }: { busy: boolean }) {
  const plugins = useStore(store, (s) => s.plugins)
  const selected = useStore(store, (s) => s.selectedPlugin)
  const extras = useStore(store, (s) => s.pipelineExtras)
  if (!selected) return null
  const nameOf = (id: string) => plugins.find((p) => p.id === id)?.name ?? id
  const chain = extras.filter((id) => id !== selected && plugins.some((p) => p.id === id))
  const addable = plugins.filter((p) => p.id !== selected && !chain.includes(p.id))
  return (
    <div className="pipeline-bar" role="group" aria-label="Pipeline">
      <span className="muted small-text">Pipeline</span>
      <ol className="pipeline-chain">
        <li className="pipeline-plugin">{nameOf(selected)}</li>
        {chain.map((id) => (
          <li key={id} className="pipeline-plugin">
            {nameOf(id)}
            <button type="button" className="icon-button" aria-label={`Remove ${nameOf(id)} from the pipeline`} disabled={busy} onClick={() => setExtras(chain.filter((other) => other !== id))}>
              ×
            </button>
          </li>
        ))}
      </ol>
      {addable.length > 0 && (
        <select
          aria-label="Add a plugin to the pipeline"
          value=""
          disabled={busy}
          onChange={(e) => {
            const id = e.target.value
            if (!id) return
            setExtras([...chain, id])
            attempt(refreshFiles(id))
          }}
        >
          <option value="">+ plugin…</option>
          {addable.map((p) => (
            <option key={p.id} value={p.id}>
              {p.name}
            </option>
          ))}
        </select>
      )}
    </div>
  )
}
