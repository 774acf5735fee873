// `<workspace>/.plugin-studio/config.json`: the non-secret config values per plugin, and a
// description of each stored non-secret attachment (its bytes are a file next to it, see
// attachment-files.ts). Secret values are never in this file. Reads validate; writes are atomic.
//
// {"plugins": {"<plugin id>": {"values": {"<key>": "<string>"},
//                              "attachments": {"<key>": {"file_name": "...", "content_type": "...", "size": 12}}}}}
//
// The earlier shape, `{"plugins": {"<plugin id>": {"<key>": "<string>"}}}`, is still read.
import path from 'node:path'
import { mkdir, readFile } from 'node:fs/promises'
import type { AttachmentInfo } from '../../../common/plugin/rules.ts'
import { writeFileAtomic } from '../workspace/atomic-write.ts'
import { STUDIO_FOLDER } from './settings-store.ts'

export const CONFIG_FILE = `${STUDIO_FOLDER}/config.json`

export interface StoredPluginConfig {
  values: Record<string, string>
  attachments: Record<string, AttachmentInfo>
}

export type StoredConfig = { plugins: Record<string, StoredPluginConfig> }

export function emptyPluginConfig(): StoredPluginConfig {
  return { values: {}, attachments: {} }
}

export async function readConfigFile(file: string): Promise<StoredConfig> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { plugins: {} }
    throw new Error(`${file}: cannot read: ${(error as Error).message}`, { cause: error })
  }
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch (error) {
    throw new Error(`${file}: not valid JSON: ${(error as Error).message}`, { cause: error })
  }
  const plugins = (raw as { plugins?: unknown } | null)?.plugins
  if (!isObject(plugins)) throw new Error(`${file}: expected {"plugins": {"<plugin>": {"values": {"<key>": "<value>"}}}}`)
  const out: StoredConfig = { plugins: {} }
  for (const [plugin, entry] of Object.entries(plugins)) {
    if (!isObject(entry)) throw new Error(`${file}: plugins["${plugin}"] must be an object`)
    const legacy = !isObject(entry.values) && !isObject(entry.attachments)
    const values = legacy ? entry : (entry.values ?? {})
    if (!isObject(values)) throw new Error(`${file}: plugins["${plugin}"].values must be an object of string values`)
    for (const [key, value] of Object.entries(values)) {
      if (typeof value !== 'string') throw new Error(`${file}: plugins["${plugin}"] value "${key}" must be a string (PostHog passes config values as strings)`)
    }
    const attachments = legacy ? {} : (entry.attachments ?? {})
    if (!isObject(attachments)) throw new Error(`${file}: plugins["${plugin}"].attachments must be an object`)
    for (const [key, info] of Object.entries(attachments)) {
      const ok = isObject(info) && typeof info.file_name === 'string' && typeof info.content_type === 'string' && typeof info.size === 'number'
      if (!ok) throw new Error(`${file}: plugins["${plugin}"].attachments["${key}"] must be {"file_name", "content_type", "size"}`)
    }
    out.plugins[plugin] = { values: { ...(values as Record<string, string>) }, attachments: { ...(attachments as Record<string, AttachmentInfo>) } }
  }
  return out
}

export async function writeConfigFile(file: string, doc: StoredConfig): Promise<void> {
  const plugins: StoredConfig['plugins'] = {}
  for (const [plugin, entry] of Object.entries(doc.plugins)) {
    if (Object.keys(entry.values).length || Object.keys(entry.attachments).length) plugins[plugin] = entry
  }
  await mkdir(path.dirname(file), { recursive: true })
  await writeFileAtomic(file, `${JSON.stringify({ plugins }, null, 2)}\n`)
}

function isObject(value: unknown): value is Record<string, unknown> {
  return !!value && typeof value === 'object' && !Array.isArray(value)
}
