// Config values of fields flagged `secret` in plugin.json never reach the terminal: they are
// replaced wherever they appear in what the CLI prints (logs, errors, event values, config lines).
import type { ConfigField } from '../../common/plugin/plugin-json.ts'

export const MASK = '••••••'

/** Secret values (given or defaulted) of one plugin's config. */
export function secretValues(fields: ConfigField[], config: Record<string, string>): string[] {
  const values: string[] = []
  for (const field of fields) {
    if (!field.secret || !field.key) continue
    const value = config[field.key] ?? field.default
    if (typeof value === 'string' && value !== '') values.push(value)
  }
  return values
}

/**
 * A function that masks every occurrence of the secrets in a string. Very short secrets (under 4
 * characters) would mask ordinary text everywhere; they are masked only where they are the whole string.
 */
export function createMasker(secrets: string[]): (text: string) => string {
  const unique = [...new Set(secrets)].sort((a, b) => b.length - a.length)
  if (unique.length === 0) return (text) => text
  return (text) => {
    let out = text
    for (const secret of unique) {
      if (secret.length >= 4) out = out.split(secret).join(MASK)
      else if (out === secret) out = MASK
    }
    return out
  }
}
