// The per-launch token of browser mode: made once per server, required on every request and socket.
// It may come as `?token=` (the URL we print), as the cookie set on the first page load (assets,
// workers), or as `Authorization: Bearer`. Compared in constant time.
import { randomBytes, timingSafeEqual } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import { STUDIO_TOKEN_PARAM } from '../../common/protocol/studio.ts'

export function createToken(): string {
  return randomBytes(32).toString('base64url')
}

/** Cookie names are not port-specific in browsers, so the port is part of the name. */
export function tokenCookieName(port: number): string {
  return `plugin-studio-token-${port}`
}

export function tokenCookie(port: number, token: string): string {
  return `${tokenCookieName(port)}=${token}; Path=/; HttpOnly; SameSite=Strict`
}

function sameToken(given: string | undefined, token: string): boolean {
  if (!given) return false
  const a = Buffer.from(given)
  const b = Buffer.from(token)
  return a.length === b.length && timingSafeEqual(a, b)
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=')
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim()
  }
  return undefined
}

export type TokenSource = 'query' | 'cookie' | 'header'

/** Where a valid token came from, or null when the request has none or a wrong one. */
export function presentedToken(request: IncomingMessage, url: URL, token: string, port: number): TokenSource | null {
  if (sameToken(url.searchParams.get(STUDIO_TOKEN_PARAM) ?? undefined, token)) return 'query'
  if (sameToken(cookieValue(request.headers.cookie, tokenCookieName(port)), token)) return 'cookie'
  const auth = request.headers.authorization
  if (auth?.startsWith('Bearer ') && sameToken(auth.slice('Bearer '.length), token)) return 'header'
  return null
}
