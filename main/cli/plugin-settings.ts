// Config values and attachments from `--config [N:]KEY=VALUE`, `--config-file FILE` and
// `--attachment [N:]KEY=PATH`, sorted to the plugin they are for (N is 1-based; none = plugin 1).
// Values stay strings, as PostHog passes them; plugin.json defaults are the runtime's job.
import { readFileSync } from 'node:fs'
import { basename, extname } from 'node:path'
import type { AttachmentSpec } from '../../common/protocol/runtime.ts'
import { describeReadError } from '../services/events/read-events-file.ts'
import { InputError } from './cli-error.ts'

export interface PluginSettings {
  config: Record<string, string>
  attachments: Record<string, AttachmentSpec>
}

interface Assignment {
  index: number
  key: string
  value: string
}

/** `[N:]KEY=VALUE` → which plugin, key, value. `flag` and `what` only shape the messages. */
export function parseAssignment(flag: string, text: string, pluginCount: number, what = 'VALUE'): Assignment {
  const prefixed = /^(\d+):(.*)$/s.exec(text)
  const index = prefixed ? Number(prefixed[1]) : 1
  const rest = prefixed ? prefixed[2] : text
  const equals = rest.indexOf('=')
  if (equals <= 0) throw new InputError(`${flag} '${text}': expected [N:]KEY=${what}`)
  checkIndex(`${flag} '${text}'`, index, pluginCount)
  return { index, key: rest.slice(0, equals), value: rest.slice(equals + 1) }
}

function checkIndex(where: string, index: number, pluginCount: number): void {
  if (index < 1 || index > pluginCount) {
    const given = pluginCount === 1 ? 'only 1 plugin folder was given' : `${pluginCount} plugin folders were given`
    throw new InputError(`${where}: there is no plugin ${index} (N is 1-based; ${given})`)
  }
}

/**
 * A config file is a JSON object of KEY → string for plugin 1, or, when every key is a plugin
 * number and every value an object, `{"1": {KEY: string}, "2": {...}}` per plugin. Numbers and
 * booleans are written as strings (as PostHog's UI would save them); other values are refused.
 */
export function readConfigFile(file: string, pluginCount: number): Record<string, string>[] {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (error) {
    throw new InputError(`${file}: ${describeReadError(error)}`)
  }
  let doc: unknown
  try {
    doc = JSON.parse(text)
  } catch (error) {
    throw new InputError(`${file}: not valid JSON: ${(error instanceof Error ? error.message : String(error)).replace(/\s+/g, ' ')}`)
  }
  if (!isObject(doc)) throw new InputError(`${file}: expected a JSON object of config values (KEY → string), or {"1": {...}, "2": {...}} per plugin`)
  const perPlugin: Record<string, string>[] = Array.from({ length: pluginCount }, () => ({}))
  const entries = Object.entries(doc)
  const byIndex = entries.length > 0 && entries.every(([key, value]) => /^\d+$/.test(key) && isObject(value))
  const groups: [number, Record<string, unknown>][] = byIndex ? entries.map(([key, value]) => [Number(key), value as Record<string, unknown>]) : [[1, doc]]
  for (const [index, values] of groups) {
    checkIndex(`${file}: "${index}"`, index, pluginCount)
    for (const [key, value] of Object.entries(values)) {
      if (typeof value === 'string') perPlugin[index - 1][key] = value
      else if (typeof value === 'number' || typeof value === 'boolean') perPlugin[index - 1][key] = String(value)
      else throw new InputError(`${file}: config value "${key}" must be a string (PostHog passes config values as strings; write JSON fields as a JSON string)`)
    }
  }
  return perPlugin
}

/** Reads `--attachment [N:]KEY=PATH` into what the runtime turns into `{content_type, file_name, contents}`. */
export function readAttachment(text: string, pluginCount: number): { index: number; key: string; attachment: AttachmentSpec } {
  const { index, key, value: path } = parseAssignment('--attachment', text, pluginCount, 'PATH')
  if (path === '') throw new InputError(`--attachment '${text}': expected [N:]KEY=PATH`)
  let contents: Buffer
  try {
    contents = readFileSync(path)
  } catch (error) {
    throw new InputError(`${path}: ${describeReadError(error)} (--attachment ${key})`)
  }
  return { index, key, attachment: { content_type: contentType(path), file_name: basename(path), contentsBase64: contents.toString('base64') } }
}

// What a browser would send as the upload's type for the files plugins usually take.
const CONTENT_TYPES: Record<string, string> = {
  '.json': 'application/json',
  '.csv': 'text/csv',
  '.tsv': 'text/tab-separated-values',
  '.txt': 'text/plain',
  '.md': 'text/markdown',
  '.xml': 'application/xml',
  '.yaml': 'application/x-yaml',
  '.yml': 'application/x-yaml',
  '.html': 'text/html',
  '.pem': 'application/x-x509-ca-cert',
  '.crt': 'application/x-x509-ca-cert',
  '.key': 'application/octet-stream',
  '.p12': 'application/x-pkcs12',
  '.gz': 'application/gzip',
  '.zip': 'application/zip',
}

function contentType(path: string): string {
  return CONTENT_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream'
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}
