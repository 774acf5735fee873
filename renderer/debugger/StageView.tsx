// The selected event, stage by stage: input, each processEvent with its diff, the final event (or who
// dropped it), then onEvent/exportEvents — each with its console output, errors (stack frames linked
// to the source), duration and the cache/storage operations it made.
import { useMemo, useState } from 'react'
import type { EventResult, StageResult, StateOp } from '../../common/protocol/runtime.ts'
import type { PluginEvent } from '../../common/plugin/event.ts'
import { useStore } from '../state/store.ts'
import { store, type StudioState } from '../state/studio-state.ts'
import { ErrorList } from '../output/ErrorList.tsx'
import { LogList } from '../output/LogList.tsx'
import { formatValue } from '../output/diff-rows.ts'
import type { RunError } from '../output/run-errors.ts'
import { firstUserPlace, parseStack } from '../output/stack-frames.ts'
import { StageDiff } from './StageDiff.tsx'
import { formatDuration, stageSteps, type StageStep } from './stages.ts'

function stageError(stage: StageResult, state: StudioState): RunError | null {
  if (!stage.error) return null
  const files = (state.files[stage.plugin] ?? []).filter((e) => e.kind === 'file').map((e) => e.path)
  const frames = parseStack(stage.errorDetail?.stack ?? stage.error, { workspaceDir: state.workspace?.dir ?? '', plugin: stage.plugin, files })
  const detail = stage.errorDetail
  const message = detail ? `${detail.name && !detail.message.startsWith(detail.name) ? `${detail.name}: ` : ''}${detail.message}` : stage.error.split('\n')[0]
  return { title: `${stage.method} in ${stage.plugin}`, message, frames, place: firstUserPlace(frames) }
}

function JsonToggle({ event, label }: { event: PluginEvent; label: string }) {
  const [open, setOpen] = useState(false)
  return (
    <>
      <button type="button" className="link-button" aria-expanded={open} onClick={() => setOpen(!open)}>
        {open ? `Hide ${label}` : `Show ${label}`}
      </button>
      {open && <pre className="json-view stage-json">{JSON.stringify(event, null, 2)}</pre>}
    </>
  )
}

function OpsTable({ ops, label }: { ops: StateOp[]; label: string }) {
  return (
    <table className="ops-table" aria-label={label}>
      <tbody>
        {ops.map((op, i) => (
          <tr key={i}>
            <td className={`op-kind op-${op.kind}`}>{op.kind}</td>
            <td>
              <code>{op.op}</code>
            </td>
            <td>
              <code>{op.key}</code>
            </td>
            <td>
              <code>{op.value === undefined ? '' : formatValue(op.value)}</code>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}

function StageCard({ step, state }: { step: StageStep; state: StudioState }) {
  if (step.kind === 'input') {
    return (
      <article className="stage-card" aria-label="Input">
        <header className="stage-head">
          <span className="stage-title">Input</span>
          <code className="stage-event-name">{step.event.event}</code>
        </header>
        <JsonToggle event={step.event} label="input event" />
      </article>
    )
  }
  if (step.kind === 'dropped') {
    return (
      <article className="stage-card stage-dropped" aria-label="Dropped">
        <header className="stage-head">
          <span className="stage-title">Dropped{step.by ? ` by ${step.by}` : ''}</span>
        </header>
        <p className="muted">processEvent returned null or undefined: the event is not ingested, and onEvent / exportEvents do not see it.</p>
      </article>
    )
  }
  if (step.kind === 'final') {
    return (
      <article className="stage-card stage-final" aria-label="Final event">
        <header className="stage-head">
          <span className="stage-title">Final event</span>
        </header>
        <StageDiff before={step.input} after={step.after} label="Changes from the input" />
        <JsonToggle event={step.after} label="final event" />
      </article>
    )
  }
  const { stage } = step
  const error = stageError(stage, state)
  const name = `${stage.method} · ${stage.plugin}`
  return (
    <article className={`stage-card ${error ? 'stage-failed' : ''}`} aria-label={name}>
      <header className="stage-head">
        <span className="stage-title">
          <code>{stage.method}</code> · {stage.plugin}
        </span>
        {step.dropped && <span className="status-pill warn">dropped by {stage.plugin}</span>}
        {error && <span className="status-pill error">error</span>}
        <span className="stage-duration muted" title="Duration">
          {formatDuration(stage.durationMs)}
        </span>
      </header>
      {stage.method === 'processEvent' && error && <p className="muted">The plugin threw: the event goes on unchanged, as PostHog passes it on.</p>}
      {stage.method === 'processEvent' && !error && !step.dropped && step.before && step.after && <StageDiff before={step.before} after={step.after} label={`Changes by ${stage.plugin}`} />}
      {error && <ErrorList errors={[error]} />}
      {stage.logs.length > 0 && <LogList logs={stage.logs} label={`Logs of ${name}`} />}
      {stage.ops.length > 0 && <OpsTable ops={stage.ops} label={`Cache and storage of ${name}`} />}
    </article>
  )
}

export function StageView({ result }: { result: EventResult }) {
  const state = useStore(store, (s) => s)
  const steps = useMemo(() => stageSteps(result), [result])
  return (
    <div className="stage-view" aria-label="Stages">
      {steps.map((step, i) => (
        <StageCard key={i} step={step} state={state} />
      ))}
    </div>
  )
}
