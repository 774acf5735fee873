// While a plugin call is paused the debugging keys win: F5 Continue, F10 Step over, F11 Step into,
// Shift+F11 Step out (otherwise F5 runs and F10 steps the next event, DESIGN.md §6).
import type { DebugCommand } from '../../common/protocol/debug.ts'
import { debugCommand, debugStore } from './debug-state.ts'

export function debugKey(event: KeyboardEvent): boolean {
  if (!debugStore.get().paused || event.ctrlKey || event.metaKey || event.altKey) return false
  let command: DebugCommand | null = null
  if (event.key === 'F5' && !event.shiftKey) command = 'resume'
  else if (event.key === 'F10' && !event.shiftKey) command = 'stepOver'
  else if (event.key === 'F11') command = event.shiftKey ? 'stepOut' : 'stepInto'
  if (!command) return false
  event.preventDefault()
  event.stopPropagation()
  void debugCommand(command)
  return true
}
