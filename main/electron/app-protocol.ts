// app://studio/… serves the built renderer from the app's files with the same strict CSP as browser
// mode. Registered as a privileged standard scheme so Monaco's workers and fetch work (they do not
// from file://).
import path from 'node:path'
import { readFile } from 'node:fs/promises'
import { MIME_TYPES, resolveStatic } from '../server/static-files.ts'
import { contentSecurityPolicy } from '../server/security-headers.ts'
import { APP_HOST, APP_ORIGIN, APP_SCHEME } from './ipc-channels.ts'

export const APP_SCHEME_PRIVILEGES = {
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true },
}

export function appProtocolHandler(rendererDir: string): (request: Request) => Promise<Response> {
  return async (request) => {
    const url = new URL(request.url)
    if (url.host !== APP_HOST || request.method !== 'GET') return new Response('Not found', { status: 404 })
    const file = await resolveStatic(rendererDir, url.pathname)
    if (!file) return new Response('Not found', { status: 404, headers: { 'content-type': 'text/plain' } })
    return new Response(new Uint8Array(await readFile(file)), {
      status: 200,
      headers: {
        'content-type': MIME_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream',
        'content-security-policy': contentSecurityPolicy(APP_ORIGIN, []),
        'x-content-type-options': 'nosniff',
      },
    })
  }
}
