// How one event's result reads in the debugger's list.
import type { EventResult } from '../../common/protocol/runtime.ts'

export type EventStatus = 'pending' | 'changed' | 'unchanged' | 'dropped' | 'error'

export function eventStatus(result: EventResult | undefined): EventStatus {
  if (!result) return 'pending'
  if (result.error) return 'error'
  if (result.output === null) return 'dropped'
  return JSON.stringify(result.output) === JSON.stringify(result.input) ? 'unchanged' : 'changed'
}

export const STATUS_LABEL: Record<EventStatus, string> = {
  pending: 'not run',
  changed: 'changed',
  unchanged: 'unchanged',
  dropped: 'dropped',
  error: 'error',
}
