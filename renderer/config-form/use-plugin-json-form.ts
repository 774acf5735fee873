// plugin.json text → the form to show. While the text has errors the last good form stays; before
// any good one, PostHog's rendering of what can be read (or nothing if it is not JSON).
import { useMemo, useRef } from 'react'
import type { PluginJson, PluginJsonProblem } from '../../common/plugin/plugin-json.ts'
import { checkPluginJson } from '../../common/plugin/validate.ts'

export interface PluginJsonForm {
  /** The plugin whose form is shown, or null when nothing readable was ever given. */
  plugin: PluginJson | null
  /** Problems of the current text. */
  problems: PluginJsonProblem[]
  /** True when the form shown is older than the text (the text has errors). */
  stale: boolean
}

export function usePluginJsonForm(text: string, file = 'plugin.json'): PluginJsonForm {
  const check = useMemo(() => checkPluginJson(text, file), [text, file])
  const lastGood = useRef<PluginJson | null>(null)
  // Writing the ref during render is idempotent here: the same text always gives the same plugin.
  if (check.plugin && !check.hasErrors) lastGood.current = check.plugin
  if (!check.hasErrors) return { plugin: check.plugin, problems: check.problems, stale: false }
  if (lastGood.current) return { plugin: lastGood.current, problems: check.problems, stale: true }
  return { plugin: check.plugin, problems: check.problems, stale: false }
}
