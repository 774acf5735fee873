// meta.attachments: the backend sends each attachment as JSON (contents in base64); plugins get
// PostHog's shape, {content_type, file_name, contents: Buffer}. readAttachmentFile builds that JSON
// from a file on disk (the CLI's --attachment KEY=PATH).
import { readFile } from 'node:fs/promises'
import { basename, extname } from 'node:path'
import type { AttachmentSpec } from '../../common/protocol/runtime.ts'

export interface PluginAttachment {
  content_type: string
  file_name: string
  contents: Buffer
}

/** Content types by extension, as a browser would label an uploaded file. */
const CONTENT_TYPES: Record<string, string> = {
  '.json': 'application/json',
  '.csv': 'text/csv',
  '.tsv': 'text/tab-separated-values',
  '.txt': 'text/plain',
  '.md': 'text/markdown',
  '.html': 'text/html',
  '.xml': 'application/xml',
  '.yaml': 'application/yaml',
  '.yml': 'application/yaml',
  '.js': 'text/javascript',
  '.mmdb': 'application/octet-stream',
  '.gz': 'application/gzip',
  '.zip': 'application/zip',
  '.pdf': 'application/pdf',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.svg': 'image/svg+xml',
  '.pem': 'application/x-pem-file',
  '.key': 'application/octet-stream',
}

export function guessContentType(fileName: string): string {
  return CONTENT_TYPES[extname(fileName).toLowerCase()] ?? 'application/octet-stream'
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/

export function attachmentsFromSpecs(specs: Record<string, AttachmentSpec>): Record<string, PluginAttachment> {
  const attachments: Record<string, PluginAttachment> = {}
  for (const [key, spec] of Object.entries(specs ?? {})) {
    if (typeof spec !== 'object' || spec === null) throw new Error(`Attachment "${key}" is not an object`)
    for (const field of ['content_type', 'file_name', 'contentsBase64'] as const) {
      if (typeof spec[field] !== 'string') throw new Error(`Attachment "${key}" has no string "${field}"`)
    }
    // Buffer.from(…, 'base64') skips bad characters silently; refuse instead of handing over garbage.
    if (spec.contentsBase64.length % 4 !== 0 || !BASE64.test(spec.contentsBase64)) {
      throw new Error(`Attachment "${key}" (${spec.file_name}): contentsBase64 is not valid base64`)
    }
    attachments[key] = { content_type: spec.content_type, file_name: spec.file_name, contents: Buffer.from(spec.contentsBase64, 'base64') }
  }
  return attachments
}

export async function readAttachmentFile(path: string): Promise<AttachmentSpec> {
  let contents: Buffer
  try {
    contents = await readFile(path)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : (error as Error).message
    throw new Error(`Cannot read attachment ${path}: ${why}`, { cause: error })
  }
  const fileName = basename(path)
  return { content_type: guessContentType(fileName), file_name: fileName, contentsBase64: contents.toString('base64') }
}
