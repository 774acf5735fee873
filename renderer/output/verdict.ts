// The Output pane's one-line verdict on the shown event's result.
import type { EventResult } from '../../common/protocol/runtime.ts'

export interface Verdict {
  text: string
  tone: 'ok' | 'warn' | 'error' | 'muted'
}

export function verdict(result: EventResult): Verdict {
  // PostHog passes the event on when a plugin throws; the error is recorded.
  if (result.error) return { text: result.output ? 'Error · event passed on' : 'Error', tone: 'error' }
  if (result.output === null) return { text: `Dropped${result.droppedBy ? ` by ${result.droppedBy}` : ''}`, tone: 'warn' }
  // A lazy setupPlugin failed on this event: PostHog skips that plugin's methods and the event goes on
  // without them (result.error stays null; the Errors section names the plugin).
  if (result.stages.some((s) => s.method === 'setupPlugin' && s.error)) return { text: 'Setup failed · event passed through', tone: 'error' }
  return { text: 'Processed', tone: 'ok' }
}
