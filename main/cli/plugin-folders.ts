// The plugin folders named on the command line: each must exist and hold a readable plugin.json.
// The CLI reads plugin.json itself (the runtime reads it again) to fail early with one clear line,
// to name plugins, and to know which config fields are secret.
import { readFileSync, statSync } from 'node:fs'
import { basename, join, resolve } from 'node:path'
import { parsePluginJson, type PluginJson } from '../../common/plugin/plugin-json.ts'
import { describeReadError } from '../services/events/read-events-file.ts'
import { InputError } from './cli-error.ts'

export interface PluginFolder {
  /** Id within the pipeline: the folder name, made unique with `#N` when two folders share a name. */
  id: string
  /** As the user wrote it, for messages. */
  given: string
  dir: string
  json: PluginJson
}

export function readPluginFolders(dirs: string[]): PluginFolder[] {
  const seen = new Map<string, number>()
  return dirs.map((given) => {
    const dir = resolve(given)
    let isDir = false
    try {
      isDir = statSync(dir).isDirectory()
    } catch {}
    if (!isDir) throw new InputError(`${given}: no such plugin folder`)
    const file = join(dir, 'plugin.json')
    let text: string
    try {
      text = readFileSync(file, 'utf8')
    } catch (error) {
      const why = describeReadError(error)
      throw new InputError(why === 'no such file' ? `${join(given, 'plugin.json')}: not found (a plugin folder needs a plugin.json)` : `${join(given, 'plugin.json')}: ${why}`)
    }
    const parsed = parsePluginJson(text, join(given, 'plugin.json'))
    if (!parsed.ok) {
      const problem = parsed.problems[0]
      const place = problem.line ? ` line ${problem.line}${problem.column ? `, column ${problem.column}` : ''}:` : ''
      throw new InputError(`${problem.file}:${place} ${problem.message.replace(/\s+/g, ' ')}`)
    }
    const name = basename(dir)
    const count = (seen.get(name) ?? 0) + 1
    seen.set(name, count)
    return { id: count === 1 ? name : `${name}#${count}`, given, dir, json: parsed.plugin }
  })
}
