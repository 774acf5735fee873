// meta.storage on the host side: PostHog's posthog_pluginstorage table (plugin_config_id, key
// varchar(200), value text) as one JSON file per plugin config, or in memory. Values are kept as the
// JSON text PostHog would store, so get() parses exactly what PostHog would parse.
import { mkdir, readFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { removeStaleTempFiles, writeFileAtomic } from './atomic-file.ts'

export const STORAGE_KEY_MAX_LENGTH = 200

export interface StorageStoreOptions {
  /** Folder for the per-config files; in memory when absent. */
  dir?: string
  pluginConfigId: string
}

export interface StorageEntry {
  key: string
  value: unknown
}

export interface StorageStore {
  get(key: string, defaultValue: unknown): Promise<unknown>
  /** undefined deletes, as PostHog does; everything else is stored as JSON text. */
  set(key: string, value: unknown): Promise<void>
  del(key: string): Promise<void>
  snapshot(): Promise<StorageEntry[]>
  clear(): Promise<void>
  /**
   * Runs `change` on the stored texts with no other change in between, then persists: the
   * building block for atomic updates such as utils.cursor. Returns what `change` returns.
   */
  update<T>(change: (entries: Map<string, string>) => T): Promise<T>
  /** The file it persists to, or null in memory. */
  readonly file: string | null
}

interface FileState {
  file: string
  entries: Promise<Map<string, string>> | null
  dirty: boolean
  writing: Promise<void> | null
}

/** One state per file in this process, so two stores of one config see (and write) the same data. */
const files = new Map<string, FileState>()

export function checkStorageKey(key: string): string {
  if (key.length > STORAGE_KEY_MAX_LENGTH) {
    throw new Error(`storage key is ${key.length} characters long; the maximum is ${STORAGE_KEY_MAX_LENGTH} (PostHog's varchar(200))`)
  }
  return key
}

/** A file name for any config id: letters, digits, '-' and '_' stay, the rest is %-escaped. */
export function storageFileName(pluginConfigId: string): string {
  if (pluginConfigId === '') throw new Error('pluginConfigId must not be empty')
  const safe = pluginConfigId.replace(/[^A-Za-z0-9_-]/g, (c) =>
    [...Buffer.from(c, 'utf8')].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join(''),
  )
  return `storage-${safe}.json`
}

async function load(file: string): Promise<Map<string, string>> {
  await removeStaleTempFiles(file)
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new Map()
    throw new Error(`Cannot read plugin storage file ${file}: ${(error as Error).message}`, { cause: error })
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (error) {
    throw new Error(`Plugin storage file ${file} is not valid JSON: ${(error as Error).message}`, { cause: error })
  }
  const entries = (parsed as { entries?: unknown })?.entries
  if (typeof entries !== 'object' || entries === null || Array.isArray(entries)) {
    throw new Error(`Plugin storage file ${file} has no "entries" object`)
  }
  const map = new Map<string, string>()
  for (const [key, value] of Object.entries(entries)) {
    if (typeof value !== 'string') throw new Error(`Plugin storage file ${file}: the value of "${key}" is not stored JSON text`)
    map.set(key, value)
  }
  return map
}

function fileState(file: string): FileState {
  let state = files.get(file)
  if (!state) {
    state = { file, entries: null, dirty: false, writing: null }
    files.set(file, state)
  }
  return state
}

/** Writes the latest entries; changes made while a write runs are coalesced into one more write. */
function persist(state: FileState, pluginConfigId: string, entries: Map<string, string>): Promise<void> {
  state.dirty = true
  state.writing ??= (async () => {
    try {
      while (state.dirty) {
        state.dirty = false
        const text = JSON.stringify({ pluginConfigId, entries: Object.fromEntries(entries) }, null, 2) + '\n'
        await writeFileAtomic(state.file, text)
      }
    } catch (error) {
      state.dirty = true // the entries in memory are newer than the file; the next change retries
      throw new Error(`Cannot write plugin storage file ${state.file}: ${(error as Error).message}`, { cause: error })
    } finally {
      state.writing = null
    }
  })()
  return state.writing
}

export function createStorageStore(options: StorageStoreOptions): StorageStore {
  const { pluginConfigId } = options
  const file = options.dir === undefined ? null : join(resolve(options.dir), storageFileName(pluginConfigId))
  const memory = new Map<string, string>()

  const entries = async (): Promise<Map<string, string>> => {
    if (file === null) return memory
    const state = fileState(file)
    state.entries ??= (async () => {
      const folder = resolve(options.dir as string)
      try {
        await mkdir(folder, { recursive: true })
      } catch (error) {
        throw new Error(`Cannot create the plugin storage folder ${folder}: ${(error as Error).message}`, { cause: error })
      }
      return load(file)
    })().catch((error) => {
      state.entries = null // a later call may succeed (the file fixed, the folder created)
      throw error
    })
    return state.entries
  }

  async function update<T>(change: (map: Map<string, string>) => T): Promise<T> {
    const map = await entries()
    const result = change(map) // synchronous: no other change can come in between
    if (file !== null) await persist(fileState(file), pluginConfigId, map)
    return result
  }

  async function del(key: string): Promise<void> {
    if ((await entries()).has(String(key))) await update((map) => map.delete(String(key)))
  }

  return {
    file,
    update,
    del,
    async get(key, defaultValue) {
      const text = (await entries()).get(String(key))
      return text === undefined ? defaultValue : JSON.parse(text)
    },
    async set(key, value) {
      if (value === undefined) return del(key)
      const text = JSON.stringify(value)
      // Values JSON cannot write (a function, a symbol) would be NULL in PostHog's NOT NULL column.
      if (text === undefined) throw new Error(`storage.set("${String(key)}") cannot store a ${typeof value}: it has no JSON form`)
      const checked = checkStorageKey(String(key))
      await update((map) => map.set(checked, text))
    },
    async snapshot() {
      const map = await entries()
      return [...map.keys()].sort().map((key) => ({ key, value: JSON.parse(map.get(key) as string) }))
    },
    async clear() {
      if ((await entries()).size > 0) await update((map) => map.clear())
    },
  }
}
