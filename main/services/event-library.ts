// Event files the Debugger offers: the samples shipped with the studio (read-only) and the
// workspace's own `events/` folder. Files are read leniently (a bad JSON line is named and skipped),
// kept opened for paging (the Debugger reads 100,000-event files a page at a time), and edited
// through the workspace, whose writes are atomic.
import path from 'node:path'
import { readFile, readdir, stat } from 'node:fs/promises'
import type { PluginEvent } from '../../common/plugin/event.ts'
import type { EventFile, EventFileEdit, EventFileInfo, EventPage, ImportEventsRequest, ImportEventsResult } from '../../common/protocol/studio.ts'
import { eventProblem } from './events/parse-events.ts'
import { indexEvents, type EventIndex } from './events/event-index.ts'
import { convertImport } from './events/import-events.ts'
import type { Workspace } from './workspace/workspace.ts'

/** The workspace folder whose JSON / JSON Lines files are listed as event files. */
export const WORKSPACE_EVENTS_FOLDER = 'events'
const EVENT_FILE = /\.(json|jsonl|ndjson)$/i
/** A 100,000-event JSON Lines file is ~150 MB; V8's longest string is ~512 MB. */
const MAX_EVENT_FILE_BYTES = 400 * 1024 * 1024
/** Opened files kept for paging (the one shown, and a couple the user flips between). */
const KEEP_OPEN = 3

interface Opened {
  stamp: string
  info: EventFileInfo
  index: EventIndex
}

export class EventLibrary {
  private readonly workspace: Workspace
  private readonly samplesDir: string | null
  private readonly opened = new Map<string, Opened>()

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

  async read(id: string, page?: EventPage): Promise<EventFile> {
    const { info, index } = await this.open(id)
    const offset = clampInt(page?.offset, 0, index.count, 0)
    const limit = clampInt(page?.limit, 0, index.count, index.count)
    return { info, events: index.page(offset, limit), total: index.count, offset, problems: index.problems }
  }

  async import(request: ImportEventsRequest): Promise<ImportEventsResult> {
    if (!request || typeof request.fileName !== 'string' || typeof request.text !== 'string') throw new Error('An import needs a file name and its text')
    const converted = convertImport(request.fileName, request.text)
    if (converted.imported === 0) {
      const first = converted.problems[0]
      throw new Error(`${request.fileName}: no events to import${first ? ` (line ${first.line}: ${first.message})` : ''}`)
    }
    const base = path.posix.basename(request.fileName.replace(/\\/g, '/')).replace(/\.[^.]*$/, '')
    const file = await this.writeNew(`${safeName(base)}.jsonl`, converted.text)
    return { file, imported: converted.imported, problems: converted.problems, format: converted.format, ignoredColumns: converted.ignoredColumns }
  }

  async create(name: string, events: PluginEvent[]): Promise<EventFileInfo> {
    if (typeof name !== 'string' || name.trim() === '') throw new Error('An event file needs a name')
    if (!Array.isArray(events)) throw new Error('events must be a list of events')
    events.forEach((event, i) => {
      const why = eventProblem(event)
      if (why) throw new Error(`Event ${i + 1} ${why}`)
    })
    const fileName = EVENT_FILE.test(name) ? safeName(name) : `${safeName(name)}.jsonl`
    const text = /\.json$/i.test(fileName) ? `${JSON.stringify(events, null, 2)}\n` : events.map((event) => `${JSON.stringify(event)}\n`).join('')
    const relative = `${WORKSPACE_EVENTS_FOLDER}/${fileName}`
    await this.workspace.createFile(relative, text)
    return infoOf(relative)
  }

  async duplicate(id: string): Promise<EventFileInfo> {
    const { info } = await this.open(id)
    const text = await this.text(id)
    return this.writeNew(info.name, text)
  }

  async edit(id: string, edit: EventFileEdit): Promise<{ total: number }> {
    const { info, index } = await this.open(id)
    if (info.source !== 'workspace' || !info.path) throw new Error(`${info.name} is a sample and read-only: duplicate it to the workspace to change it`)
    if (!edit || !['replace', 'insert', 'delete'].includes(edit.kind)) throw new Error('An edit is a replace, insert or delete')
    const text = index.edited(edit)
    await this.workspace.writeFile(info.path, text)
    this.opened.delete(id)
    return { total: (await this.open(id)).index.count }
  }

  private async open(id: string): Promise<Opened> {
    const { info, file } = this.locate(id)
    const stats = await stat(await file).catch(() => null)
    if (!stats?.isFile()) throw new Error(info.source === 'sample' ? `No sample event file "${info.name}"` : `${info.path} does not exist in the workspace`)
    const stamp = `${stats.size}:${stats.mtimeMs}`
    const cached = this.opened.get(id)
    if (cached && cached.stamp === stamp) {
      // Most recently used last.
      this.opened.delete(id)
      this.opened.set(id, cached)
      return cached
    }
    const index = indexEvents(await this.text(id), info.path ?? `sample-events/${info.name}`)
    const opened = { stamp, info, index }
    this.opened.delete(id)
    this.opened.set(id, opened)
    while (this.opened.size > KEEP_OPEN) this.opened.delete(this.opened.keys().next().value as string)
    return opened
  }

  private async text(id: string): Promise<string> {
    const { info, file } = this.locate(id)
    if (info.source === 'sample') return readFile(await file, 'utf8')
    return (await this.workspace.readBytes(info.path as string, MAX_EVENT_FILE_BYTES)).toString('utf8')
  }

  private locate(id: string): { info: EventFileInfo; file: Promise<string> } {
    if (typeof id !== 'string') throw new Error('An event file id is required')
    const colon = id.indexOf(':')
    const source = id.slice(0, colon)
    const rest = id.slice(colon + 1)
    if (source === 'sample') {
      // Sample ids are plain file names: no folders, so nothing outside the samples folder.
      if (!this.samplesDir || !EVENT_FILE.test(rest) || rest !== path.basename(rest) || rest.startsWith('.')) throw new Error(`No sample event file "${rest}"`)
      return { info: { id, source: 'sample', name: rest, path: null }, file: Promise.resolve(path.join(this.samplesDir, rest)) }
    }
    if (source === 'workspace') {
      if (!rest.startsWith(`${WORKSPACE_EVENTS_FOLDER}/`) || !EVENT_FILE.test(rest)) throw new Error(`"${rest}" is not an event file of the workspace's ${WORKSPACE_EVENTS_FOLDER}/ folder`)
      return { info: infoOf(rest), file: this.workspace.resolve(rest) }
    }
    throw new Error(`Unknown event file id "${id}" (expected sample:<name> or workspace:<path>)`)
  }

  /** Creates `events/<name>` or, when taken, `events/<stem>-2.<ext>`, -3, … */
  private async writeNew(name: string, text: string): Promise<EventFileInfo> {
    const dot = name.lastIndexOf('.')
    const stem = dot > 0 ? name.slice(0, dot) : name
    const ext = dot > 0 ? name.slice(dot) : '.jsonl'
    const taken = new Set(await eventFileNames(path.join(this.workspace.dir, WORKSPACE_EVENTS_FOLDER)))
    let candidate = `${stem}${ext}`
    for (let n = 2; taken.has(candidate); n++) candidate = `${stem}-${n}${ext}`
    const relative = `${WORKSPACE_EVENTS_FOLDER}/${candidate}`
    await this.workspace.createFile(relative, text)
    return infoOf(relative)
  }
}

function infoOf(relative: string): EventFileInfo {
  return { id: `workspace:${relative}`, source: 'workspace', name: path.posix.basename(relative), path: relative }
}

function safeName(name: string): string {
  const clean = name.trim().replace(/[^\w.$@+-]+/g, '-').replace(/^[-.]+/, '').slice(0, 100)
  return clean || 'events'
}

function clampInt(value: unknown, min: number, max: number, fallback: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) return fallback
  return Math.min(max, Math.max(min, Math.floor(value)))
}

async function eventFileNames(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => [])
  return entries
    .filter((entry) => entry.isFile() && EVENT_FILE.test(entry.name) && !entry.name.startsWith('.'))
    .map((entry) => entry.name)
    .sort()
}
