// The errors of what the Output pane shows (setup of the pipeline, the shown event's stages), each
// with its stack turned into places in the user's files.
import type { SerializedError } from '../../common/rpc/messages.ts'
import type { StudioState } from '../state/studio-state.ts'
import { firstUserPlace, parseStack, type SourcePlace, type StackFrame } from './stack-frames.ts'

export interface RunError {
  /** Where it happened, e.g. `processEvent in hello-world` or `setup of hello-world`. */
  title: string
  message: string
  frames: StackFrame[]
  /** The first frame in the user's files: where the editor marks it. */
  place: SourcePlace | null
}

function toRunError(title: string, error: string, detail: SerializedError | undefined, plugin: string, state: StudioState): RunError {
  const files = (state.files[plugin] ?? []).filter((e) => e.kind === 'file').map((e) => e.path)
  const context = { workspaceDir: state.workspace?.dir ?? '', plugin, files }
  const stack = detail?.stack ?? error
  const frames = parseStack(stack, context)
  const message = detail ? `${detail.name && !detail.message.startsWith(detail.name) ? `${detail.name}: ` : ''}${detail.message}` : error.split('\n')[0]
  return { title, message, frames, place: firstUserPlace(frames) }
}

export function runErrors(state: StudioState): RunError[] {
  const errors: RunError[] = []
  if (state.runRefusal) errors.push({ title: 'Run refused', message: state.runRefusal, frames: [], place: null })
  for (const setup of state.setup) {
    if (setup.error) errors.push(toRunError(`Loading ${setup.plugin}`, setup.error, setup.errorDetail, setup.plugin, state))
  }
  const result = state.shownResult === null ? undefined : state.results[state.shownResult]
  if (result) {
    for (const stage of result.stages) {
      if (stage.error) errors.push(toRunError(`${stage.method} in ${stage.plugin}`, stage.error, stage.errorDetail, stage.plugin, state))
    }
    if (result.error && !result.stages.some((s) => s.error)) {
      const plugin = state.selectedPlugin ?? ''
      errors.push(toRunError(`Running ${plugin}`, result.error, undefined, plugin, state))
    }
  }
  return errors
}
