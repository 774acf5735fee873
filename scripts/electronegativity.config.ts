// Electronegativity findings of medium severity or above that stay, each with the reason. The check
// (scripts/electronegativity.ts, run by its test and `npm run electronegativity`) fails on any other
// finding, and on an entry here that no longer matches anything (so the list cannot go stale).
export interface AcceptedFinding {
  id: string
  /** Relative to main/electron, or 'N/A' for an application-wide check. */
  file: string
  reason: string
}

export const SCANNED_DIR = 'main/electron'

/** Checks not run, with the reason. */
export const EXCLUDED_CHECKS: { id: string; reason: string }[] = [
  {
    id: 'AvailableSecurityFixesGlobalCheck',
    reason: "Downloads Electron's release list from the network; the check must work offline. Electron is pinned in package.json and upgraded deliberately.",
  },
]

export const ACCEPTED_FINDINGS: AcceptedFinding[] = [
  {
    id: 'CSP_GLOBAL_CHECK',
    file: 'N/A',
    reason:
      "The CSP is real but computed, so the static check cannot see it: app-protocol.ts sends contentSecurityPolicy() (main/server/security-headers.ts: default-src 'self', script-src 'self', object-src 'none', frame-ancestors 'none') on every app:// response; main/electron/desktop-app.test.ts asserts the header.",
  },
  {
    id: 'OPEN_EXTERNAL_JS_CHECK',
    file: 'desktop-app.ts',
    reason:
      'The only shell.openExternal call passes its URL through checkExternalUrl (main/services/open-external.ts: absolute http/https, no credentials, bounded length) at the call site; desktop-app.test.ts proves file:, javascript:, custom schemes and credentialed URLs never reach it.',
  },
]
