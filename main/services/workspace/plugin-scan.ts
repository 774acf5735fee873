// Finds plugin folders (folders holding plugin.json) and summarises each for the UI.
import path from 'node:path'
import { readdir, readFile, stat } from 'node:fs/promises'
import { parsePluginJson } from '../../../common/plugin/plugin-json.ts'
import type { PluginSummary } from '../../../common/protocol/studio.ts'

/** plugin.json is a few kilobytes; a bigger one is refused before it is read into memory. */
export const MAX_PLUGIN_JSON_BYTES = 5 * 1024 * 1024

/** How deep below the workspace plugin folders are looked for (`plugins/group/my-plugin` is 3). */
export const PLUGIN_SCAN_DEPTH = 3

function skipFolder(name: string): boolean {
  return name === 'node_modules' || name.startsWith('.')
}

/** Workspace-relative ids of plugin folders, sorted. A plugin folder's subfolders are not searched. */
export async function findPluginFolders(root: string, depth = PLUGIN_SCAN_DEPTH): Promise<string[]> {
  const found: string[] = []
  const visit = async (relative: string, level: number) => {
    const entries = await readdir(path.join(root, relative), { withFileTypes: true }).catch(() => [])
    if (level > 0 && entries.some((e) => e.isFile() && e.name === 'plugin.json')) {
      found.push(relative)
      return
    }
    if (level >= depth) return
    for (const entry of entries) {
      // Only real folders: a symlinked folder could lead out of the workspace.
      if (entry.isDirectory() && !skipFolder(entry.name)) await visit(relative ? `${relative}/${entry.name}` : entry.name, level + 1)
    }
  }
  await visit('', 0)
  return found.sort()
}

async function isFile(file: string): Promise<boolean> {
  return stat(file).then((s) => s.isFile(), () => false)
}

/** The entry file as PostHog picks it: plugin.json `main`, else index.js, else index.ts. */
export async function findEntry(pluginDir: string, main: string | undefined): Promise<string | null> {
  for (const candidate of [main, 'index.js', 'index.ts']) {
    // A `main` that points outside the plugin folder is not an entry the studio will open.
    if (candidate && (path.isAbsolute(candidate) || path.posix.normalize(candidate.replace(/\\/g, '/')).startsWith('..'))) continue
    if (candidate && (await isFile(path.join(pluginDir, candidate)))) return path.posix.normalize(candidate.replace(/\\/g, '/'))
  }
  return null
}

export async function summarisePlugin(root: string, id: string): Promise<PluginSummary> {
  const dir = path.join(root, ...id.split('/'))
  const folderName = id.split('/').pop() ?? id
  const file = `${id}/plugin.json`
  let text: string
  try {
    const size = (await stat(path.join(dir, 'plugin.json'))).size
    if (size > MAX_PLUGIN_JSON_BYTES) {
      return { id, name: folderName, description: null, entry: null, config: [], problems: [{ file, message: `Too large: ${size} bytes; plugin.json may be at most ${MAX_PLUGIN_JSON_BYTES} bytes` }] }
    }
    text = await readFile(path.join(dir, 'plugin.json'), 'utf8')
  } catch (error) {
    return { id, name: folderName, description: null, entry: null, config: [], problems: [{ file, message: `Cannot read: ${(error as Error).message}` }] }
  }
  const parsed = parsePluginJson(text, file)
  const main = parsed.ok ? parsed.plugin.main : undefined
  const entry = await findEntry(dir, main)
  if (!parsed.ok) return { id, name: folderName, description: null, entry: entry && `${id}/${entry}`, config: [], problems: parsed.problems }
  return {
    id,
    name: parsed.plugin.name || folderName,
    description: parsed.plugin.description ?? null,
    entry: entry && `${id}/${entry}`,
    config: parsed.plugin.config,
    problems: parsed.problems,
  }
}
