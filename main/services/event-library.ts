// Event files the Debugger offers: the samples shipped with the studio (read-only) and the
// workspace's own `events/` folder. Both parse with the CLI's parser, so a file that runs in
// `plugin-studio run --events` runs here too.
import path from 'node:path'
import { readFile, readdir } from 'node:fs/promises'
import type { EventFile, EventFileInfo } from '../../common/protocol/studio.ts'
import { formatEventsProblem, parseEventsText } from './events/parse-events.ts'
import type { Workspace } from './workspace/workspace.ts'

/** The workspace folder whose JSON / JSON Lines files are listed as event files. */
export const WORKSPACE_EVENTS_FOLDER = 'events'
const EVENT_FILE = /\.(json|jsonl|ndjson)$/i
const MAX_EVENT_FILE_BYTES = 20 * 1024 * 1024

export class EventLibrary {
  private readonly workspace: Workspace
  private readonly samplesDir: string | null

  constructor(workspace: Workspace, samplesDir: string | null) {
    this.workspace = workspace
    this.samplesDir = samplesDir
  }

  async list(): Promise<EventFileInfo[]> {
    const samples = this.samplesDir ? await eventFileNames(this.samplesDir) : []
    const own = await eventFileNames(path.join(this.workspace.dir, WORKSPACE_EVENTS_FOLDER))
    return [
      ...samples.map((name): EventFileInfo => ({ id: `sample:${name}`, source: 'sample', name, path: null })),
      ...own.map((name): EventFileInfo => {
        const relative = `${WORKSPACE_EVENTS_FOLDER}/${name}`
        return { id: `workspace:${relative}`, source: 'workspace', name, path: relative }
      }),
    ]
  }

  async read(id: string): Promise<EventFile> {
    if (typeof id !== 'string') throw new Error('An event file id is required')
    const colon = id.indexOf(':')
    const source = id.slice(0, colon)
    const rest = id.slice(colon + 1)
    let text: string
    let info: EventFileInfo
    if (source === 'sample') {
      // Sample ids are plain file names: no folders, so nothing outside the samples folder.
      if (!this.samplesDir || !EVENT_FILE.test(rest) || rest !== path.basename(rest) || rest.startsWith('.')) throw new Error(`No sample event file "${rest}"`)
      const file = path.join(this.samplesDir, rest)
      text = await readFile(file, 'utf8').catch(() => {
        throw new Error(`No sample event file "${rest}"`)
      })
      info = { id, source: 'sample', name: rest, path: null }
    } else if (source === 'workspace') {
      const bytes = await this.workspace.readBytes(rest, MAX_EVENT_FILE_BYTES)
      text = bytes.toString('utf8')
      info = { id, source: 'workspace', name: path.posix.basename(rest), path: rest }
    } else {
      throw new Error(`Unknown event file id "${id}" (expected sample:<name> or workspace:<path>)`)
    }
    const parsed = parseEventsText(text, info.path ?? `sample-events/${info.name}`)
    if (!parsed.ok) throw new Error(formatEventsProblem(parsed.problem))
    return { info, events: parsed.events }
  }
}

async function eventFileNames(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => [])
  return entries
    .filter((entry) => entry.isFile() && EVENT_FILE.test(entry.name) && !entry.name.startsWith('.'))
    .map((entry) => entry.name)
    .sort()
}
