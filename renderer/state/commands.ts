// The studio's commands, shared by the toolbar, the keyboard (Ctrl/Cmd+S, F5, F10) and the desktop menu.
import type { StudioCommand } from '../../common/protocol/studio.ts'
import { pluginOf, saveFile } from './file-actions.ts'
import { reset, run, runAll, step } from './run-actions.ts'
import { errorText, notify, store } from './studio-state.ts'

/** Saves the file in the editor, then reruns the selected event when the file is part of the plugin. */
export async function saveActive(): Promise<void> {
  const { activePath, selectedPlugin } = store.get()
  if (!activePath) return
  try {
    const saved = await saveFile(activePath)
    if (saved && selectedPlugin && pluginOf(activePath) === selectedPlugin) await run()
  } catch (error) {
    notify('error', `Could not save ${activePath}: ${errorText(error)}`)
  }
}

/** When each command last ran from a key press here, so the desktop menu's echo of it is not run twice. */
const lastByKey = new Map<StudioCommand, number>()
const ECHO_WINDOW_MS = 300

export function runCommand(command: StudioCommand, source: 'key' | 'menu' | 'ui' = 'ui'): void {
  const now = performance.now()
  if (source === 'key') lastByKey.set(command, now)
  else if (source === 'menu' && now - (lastByKey.get(command) ?? -Infinity) < ECHO_WINDOW_MS) return
  switch (command) {
    case 'save':
      void saveActive()
      break
    case 'run':
      void run()
      break
    case 'step':
      void step()
      break
    case 'runAll':
      void runAll()
      break
    case 'reset':
      void reset()
      break
    case 'newPlugin':
      store.set({ dialog: 'newPlugin' })
      break
    case 'publish':
      store.set({ dialog: 'publish' })
      break
    case 'openSettings':
      store.set({ dialog: 'settings' })
      break
  }
}

/** Browser mode and the editor bind the keys themselves; the desktop menu sends the same commands. */
export function commandForKey(event: KeyboardEvent): StudioCommand | null {
  const mod = event.ctrlKey || event.metaKey
  if (mod && !event.altKey && !event.shiftKey && event.key.toLowerCase() === 's') return 'save'
  if (!mod && !event.altKey && !event.shiftKey && event.key === 'F5') return 'run'
  if (!mod && !event.altKey && event.shiftKey && event.key === 'F5') return 'runAll'
  if (!mod && !event.altKey && !event.shiftKey && event.key === 'F10') return 'step'
  return null
}
