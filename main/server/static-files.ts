// Serves the built renderer (out/renderer) with the right MIME types. Only files inside that folder,
// no dot-files, no directory listings; `/` is index.html.
import path from 'node:path'
import { createReadStream } from 'node:fs'
import { realpath, stat } from 'node:fs/promises'
import type { ServerResponse } from 'node:http'

export const MIME_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
}

/** The file to serve for a URL path, or null (not found, outside the folder, a dot-file). */
export async function resolveStatic(rootDir: string, urlPath: string): Promise<string | null> {
  let decoded: string
  try {
    decoded = decodeURIComponent(urlPath)
  } catch {
    return null
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null
  const relative = decoded === '/' ? 'index.html' : decoded.replace(/^\/+/, '')
  const parts = relative.split('/')
  if (parts.some((part) => part === '' || part === '..' || part.startsWith('.'))) return null
  const file = path.join(rootDir, ...parts)
  try {
    const [realRoot, realFile] = await Promise.all([realpath(rootDir), realpath(file)])
    if (!realFile.startsWith(realRoot + path.sep)) return null
    if (!(await stat(realFile)).isFile()) return null
    return realFile
  } catch {
    return null
  }
}

export async function sendFile(response: ServerResponse, file: string, headOnly: boolean): Promise<void> {
  const info = await stat(file)
  const type = MIME_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream'
  response.statusCode = 200
  response.setHeader('Content-Type', type)
  response.setHeader('Content-Length', info.size)
  // Vite puts a content hash in asset names; the HTML must always be fresh.
  response.setHeader('Cache-Control', file.endsWith('.html') ? 'no-store' : 'private, max-age=31536000, immutable')
  if (headOnly) {
    response.end()
    return
  }
  await new Promise<void>((resolve) => {
    const stream = createReadStream(file)
    stream.on('error', () => {
      response.destroy()
      resolve()
    })
    stream.on('end', resolve)
    stream.pipe(response)
  })
}
