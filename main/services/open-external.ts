// Links from a plugin's markdown (config form hints, README) open in the system browser, never
// inside the app. Only absolute http(s) URLs pass; the desktop shell hands them to the OS, browser
// mode leaves the opening to the page (a new tab with no opener).
import type { OpenExternalResult } from '../../common/protocol/studio.ts'

/** The desktop shell's opener (Electron's shell.openExternal); absent in browser mode. */
export type OpenExternal = (url: string) => Promise<void>

const MAX_URL_LENGTH = 8192

/** The URL, normalised by the URL parser, when it is an absolute http(s) URL without credentials; else an error saying why. */
export function checkExternalUrl(raw: unknown): string {
  if (typeof raw !== 'string' || !raw.trim()) throw new Error('A link to open must be a URL')
  if (raw.length > MAX_URL_LENGTH) throw new Error(`A link to open must be at most ${MAX_URL_LENGTH} characters`)
  let url: URL
  try {
    url = new URL(raw.trim())
  } catch {
    throw new Error(`Not an absolute URL: ${JSON.stringify(raw.slice(0, 200))}`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`Only http and https links open in the browser, not ${url.protocol}`)
  if (url.username || url.password) throw new Error('A link with a user name or password in it is not opened')
  if (!url.hostname) throw new Error('A link to open must name a host')
  return url.href
}

export async function openExternalUrl(raw: unknown, opener: OpenExternal | undefined): Promise<OpenExternalResult> {
  const url = checkExternalUrl(raw)
  if (!opener) return { openedBy: 'browser', url }
  await opener(url)
  return { openedBy: 'shell', url }
}
