// Request parsing and drf-exceptions-hog error bodies for the fake PostHog (reference §4.1).
import type { IncomingMessage, ServerResponse } from 'node:http'

export type ErrorType = 'validation_error' | 'authentication_error' | 'invalid_request' | 'server_error' | 'throttled_error'

/** An error answered the way PostHog's exception handler shapes it. */
export class ApiError extends Error {
  readonly status: number
  readonly type: ErrorType
  readonly code: string
  readonly attr: string | null
  constructor(status: number, type: ErrorType, code: string, detail: string, attr: string | null = null) {
    super(detail)
    this.status = status
    this.type = type
    this.code = code
    this.attr = attr
  }
  body(): Record<string, unknown> {
    return { type: this.type, code: this.code, detail: this.message, attr: this.attr }
  }
}

export const validation = (detail: string, attr: string | null = null, code = 'invalid_input') => new ApiError(400, 'validation_error', code, detail, attr)
export const permissionDenied = (detail = 'You do not have permission to perform this action.') => new ApiError(403, 'authentication_error', 'permission_denied', detail)
export const notFound = () => new ApiError(404, 'invalid_request', 'not_found', 'Not found.')
export const serverError = () => new ApiError(500, 'server_error', 'error', 'A server error occurred.')

export interface UploadedFile {
  name: string
  type: string
  bytes: Buffer
}

/** A request body the way Django sees it: JSON data, or form fields (request.POST) plus files. */
export interface ParsedBody {
  json: Record<string, unknown> | null
  form: Map<string, string> | null
  files: Map<string, UploadedFile>
}

export async function readBody(req: IncomingMessage): Promise<ParsedBody> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  const raw = Buffer.concat(chunks)
  const type = req.headers['content-type'] ?? ''
  const empty: ParsedBody = { json: null, form: null, files: new Map() }
  if (raw.length === 0) return empty
  if (type.startsWith('application/json')) {
    let parsed: unknown
    try {
      parsed = JSON.parse(raw.toString('utf8'))
    } catch (error) {
      throw new ApiError(400, 'invalid_request', 'parse_error', `JSON parse error - ${(error as Error).message}`)
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw validation('Invalid data. Expected a dictionary, but got list.', 'non_field_errors', 'invalid')
    return { ...empty, json: parsed as Record<string, unknown> }
  }
  if (type.startsWith('multipart/form-data') || type.startsWith('application/x-www-form-urlencoded')) {
    // The WHATWG Request parser handles both encodings, as Django's request.POST/FILES would.
    const data = await new Request('http://fake.invalid/', { method: 'POST', headers: { 'content-type': type }, body: raw }).formData()
    const form = new Map<string, string>()
    const files = new Map<string, UploadedFile>()
    for (const [key, value] of data.entries()) {
      if (typeof value === 'string') form.set(key, value)
      else files.set(key, { name: value.name, type: value.type || 'application/octet-stream', bytes: Buffer.from(await value.arrayBuffer()) })
    }
    return { json: null, form, files }
  }
  throw new ApiError(415, 'invalid_request', 'unsupported_media_type', `Unsupported media type "${type}" in request.`)
}

/** A field from JSON or form data, as DRF's serializer would receive it. */
export function field(body: ParsedBody, key: string): unknown {
  if (body.json) return body.json[key]
  return body.form?.get(key)
}

/** DRF BooleanField parsing ("true", "True", "1", true …). */
export function parseBool(value: unknown, attr: string): boolean {
  if (typeof value === 'boolean') return value
  if (typeof value === 'number' && (value === 0 || value === 1)) return value === 1
  const text = String(value)
  if (['true', 'True', 'TRUE', '1', 'yes', 'on', 'y'].includes(text)) return true
  if (['false', 'False', 'FALSE', '0', 'no', 'off', 'n', ''].includes(text)) return false
  throw validation('Must be a valid boolean.', attr, 'invalid')
}

export function parseInt10(value: unknown, attr: string): number {
  const text = String(value).trim()
  if (!/^-?\d+$/.test(text)) throw validation('A valid integer is required.', attr, 'invalid')
  return Number(text)
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body)
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) })
  res.end(text)
}

export function sendText(res: ServerResponse, status: number, type: string, text: string): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(text) })
  res.end(text)
}
