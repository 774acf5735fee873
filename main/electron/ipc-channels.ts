// Names shared by the desktop main process and its preload. The renderer never sees them: it only
// gets `window.studio` (common/protocol/studio.ts StudioBridge).
export const STUDIO_INVOKE_CHANNEL = 'studio:invoke'
export const STUDIO_EVENT_CHANNEL = 'studio:event'

/** The renderer is served from the app's own files under this privileged scheme, never from the network. */
export const APP_SCHEME = 'app'
export const APP_HOST = 'studio'
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`
export const RENDERER_ENTRY_URL = `${APP_ORIGIN}/electron.html`

/** True for URLs of the app's own pages (app://studio/…). */
export function isAppUrl(url: string): boolean {
  try {
    const parsed = new URL(url)
    return parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST
  } catch {
    return false
  }
}
