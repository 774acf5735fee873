// "Save as test": the run so far (its first MAX_RECORDED_EVENTS events), as a jest test in the
// selected plugin's folder (the backend writes it: main/services/save-run-test.ts), then opened.
import { MAX_RECORDED_EVENTS } from '../../common/protocol/run-history.ts'
import { studio } from '../state/client.ts'
import { openFile, refreshFiles } from '../state/file-actions.ts'
import { useStore } from '../state/store.ts'
import { attempt, notify, store } from '../state/studio-state.ts'
import { historyStore, stepOfEvent } from './run-history.ts'

async function saveAsTest(): Promise<void> {
  const { results, selectedPlugin } = store.get()
  if (!selectedPlugin) return notify('error', 'Select a plugin first.')
  const indexes = Object.keys(results)
    .map(Number)
    .sort((a, b) => a - b)
    .slice(0, MAX_RECORDED_EVENTS)
  if (indexes.length === 0) return notify('info', 'Nothing has run yet: Step or Run all first.')
  // The clock each event ran at: the time of the state kept after its step (the clock stands still within a step).
  const { entries } = historyStore.get()
  const times = new Map<number, string | null>()
  const timeOf = async (index: number): Promise<string | null> => {
    const step = stepOfEvent(entries, index)
    const snapshot = step >= 0 ? entries[step].snapshot : null
    if (snapshot === null) return null
    if (!times.has(snapshot)) times.set(snapshot, await studio().stepState(snapshot).then((s) => s.state.time?.now ?? null, () => null))
    return times.get(snapshot) ?? null
  }
  const stamps: (string | null)[] = []
  for (const index of indexes) stamps.push(await timeOf(index))
  const saved = await studio().saveRunAsTest({ plugin: selectedPlugin, results: indexes.map((i) => results[i]), times: stamps })
  notify('info', `Saved ${saved.path} (${saved.events} event${saved.events === 1 ? '' : 's'}); run it with npm test in the plugin folder.${saved.notes.length ? ` ${saved.notes.join('. ')}.` : ''}`)
  await refreshFiles(selectedPlugin)
  await openFile(saved.path)
}

export function SaveAsTestButton() {
  const ran = useStore(store, (s) => Object.keys(s.results).length)
  return (
    <button type="button" className="small save-test" onClick={() => attempt(saveAsTest())} disabled={ran === 0} title={`Write the run (inputs, config, outputs and logs; the first ${MAX_RECORDED_EVENTS} events) as a jest test in the plugin's folder`}>
      Save as test
    </button>
  )
}
