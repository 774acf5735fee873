// The time flags of `plugin-studio run`: --advance <duration> (what falls due after the events runs:
// scheduled tasks, jobs, export flushes and retries), --realtime, and the posthog.api stub file.
import { readFileSync } from 'node:fs'
import type { PosthogApiStub } from '../../common/protocol/runtime.ts'
import { describeReadError } from '../services/events/read-events-file.ts'
import { InputError } from './cli-error.ts'

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }
/** A year of virtual time is enough for any PostHog back-off or schedule, and bounds the work. */
export const MAX_ADVANCE_MS = 366 * 86_400_000

/** "90s", "10m", "1h", "1d", "500ms", "1h30m" → milliseconds. */
export function parseDuration(flag: string, text: string): number {
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d)/g)]
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text) {
    throw new InputError(`${flag} expects a duration such as 90s, 10m, 1h, 1d or 1h30m, got '${text}'`)
  }
  const ms = Math.round(parts.reduce((sum, p) => sum + Number(p[1]) * UNIT_MS[p[2]], 0))
  if (ms > MAX_ADVANCE_MS) throw new InputError(`${flag} ${text} is more than 366 days`)
  return ms
}

/** `--posthog-api FILE`: a JSON list of {method, path, status, body}. */
export function readApiStubs(file: string): PosthogApiStub[] {
  let doc: unknown
  try {
    doc = JSON.parse(readFileSync(file, 'utf8'))
  } catch (error) {
    const why = error instanceof SyntaxError ? `not valid JSON: ${error.message}` : describeReadError(error)
    throw new InputError(`${file}: ${why.replace(/\s+/g, ' ')}`)
  }
  if (!Array.isArray(doc)) throw new InputError(`${file}: expected a JSON list of {"method", "path", "status", "body"} (posthog.api answers)`)
  doc.forEach((stub, i) => {
    const s = stub as Partial<PosthogApiStub> | null
    if (!s || typeof s.method !== 'string' || typeof s.path !== 'string' || !Number.isInteger(s.status)) {
      throw new InputError(`${file}: entry ${i + 1} needs a string "method", a string "path" and a whole-number "status"`)
    }
  })
  return doc as PosthogApiStub[]
}
