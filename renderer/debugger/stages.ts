// An event's way through the pipeline as the Debugger shows it: the input, each plugin's
// processEvent (with the event before and after it), the final event, then onEvent/exportEvents.
import type { PluginEvent } from '../../common/plugin/event.ts'
import type { EventResult, StageResult } from '../../common/protocol/runtime.ts'

export type StageStep =
  | { kind: 'input'; event: PluginEvent }
  | { kind: 'stage'; stage: StageResult; before: PluginEvent | null; after: PluginEvent | null; dropped: boolean }
  | { kind: 'final'; input: PluginEvent; after: PluginEvent }
  | { kind: 'dropped'; by: string | null }

export function stageSteps(result: EventResult): StageStep[] {
  const steps: StageStep[] = [{ kind: 'input', event: result.input }]
  let current: PluginEvent | null = result.input
  const lastProcess = result.stages.reduce((last, stage, i) => (stage.method === 'processEvent' || stage.method === 'setupPlugin' ? i : last), -1)
  const finish = () => {
    if (result.output === null) steps.push({ kind: 'dropped', by: result.droppedBy })
    else steps.push({ kind: 'final', input: result.input, after: result.output })
  }
  result.stages.forEach((stage, i) => {
    if (stage.method === 'processEvent') {
      const before = current
      // A plugin that throws passes the event on unchanged (PostHog records the error).
      const dropped = stage.output === null && !stage.error
      const after = stage.output === undefined || (stage.output === null && stage.error) ? before : stage.output
      current = dropped ? null : after
      steps.push({ kind: 'stage', stage, before, after: dropped ? null : after, dropped })
    } else {
      steps.push({ kind: 'stage', stage, before: null, after: null, dropped: false })
    }
    if (i === lastProcess) finish()
  })
  if (lastProcess === -1) finish()
  return steps
}

export function formatDuration(ms: number): string {
  if (ms < 0.01) return '<0.01 ms'
  if (ms < 1) return `${ms.toFixed(2)} ms`
  if (ms < 100) return `${ms.toFixed(1)} ms`
  return `${Math.round(ms)} ms`
}
