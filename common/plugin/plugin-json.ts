// plugin.json as PostHog reads it (reference §3): both config forms normalised to the array form.

export type ConfigFieldType = 'string' | 'json' | 'attachment' | 'choice'
/** `[fieldKey, value?]` pairs; all must match (PostHog's doFieldRequirementsMatch). */
export type FieldCondition = [string, string?][]

export interface ConfigField {
  key?: string
  name?: string
  type?: ConfigFieldType
  default?: string
  hint?: string
  markdown?: string
  order?: number
  required?: boolean
  secret?: boolean
  choices?: string[]
  required_if?: FieldCondition
  visible_if?: FieldCondition
}

export interface PluginJson {
  name: string
  description?: string
  url?: string
  main?: string
  posthogVersion?: string
  /** Always the array form, in PostHog's order. */
  config: ConfigField[]
  /** The document as written, for fields this type does not name. */
  raw: Record<string, unknown>
}

export interface PluginJsonProblem {
  file: string
  message: string
  /** 1-based, when the problem has a place in the text. */
  line?: number
  column?: number
  /** 1-based end of the offending text (exclusive column), when known: for editor markers. */
  endLine?: number
  endColumn?: number
  /** 'error' (the default when absent) breaks the form or the plugin; 'warning' is allowed by PostHog but likely a mistake. */
  severity?: 'error' | 'warning'
}

export type PluginJsonParse =
  | { ok: true; plugin: PluginJson; problems: PluginJsonProblem[] }
  | { ok: false; problems: PluginJsonProblem[] }

/** PostHog's getConfigSchemaArray: arrays as they are; objects become `[{key, ...value}]` sorted by order. */
export function configSchemaArray(config: unknown): ConfigField[] {
  if (Array.isArray(config)) return config as ConfigField[]
  if (config && typeof config === 'object') {
    // Only plain objects are fields; anything else stays a bare {key} (validation reports it) —
    // spreading a string would make one property per character.
    const isObject = (value: unknown) => typeof value === 'object' && value !== null && !Array.isArray(value)
    return Object.entries(config as Record<string, unknown>)
      .map(([key, value]) => ({ key, ...(isObject(value) ? (value as ConfigField) : {}) }))
      .sort((a, b) => (a.order || 999999) - (b.order || 999999))
  }
  return []
}

/** PostHog's defaultConfigForPlugin: `{[key]: default}` for fields with a default. */
export function defaultConfig(fields: ConfigField[]): Record<string, string> {
  const config: Record<string, string> = {}
  for (const field of fields) {
    if (field.key && field.default !== undefined && field.type !== 'attachment') config[field.key] = String(field.default)
  }
  return config
}

/** Offsets where each line starts, for many position look-ups in one text. */
export function lineStarts(text: string): number[] {
  const starts = [0]
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1)
  return starts
}

/** Line and column (1-based) of `offset`, by binary search over `lineStarts(text)`. */
export function positionIn(starts: number[], offset: number): { line: number; column: number } {
  let low = 0
  let high = starts.length - 1
  while (low < high) {
    const mid = (low + high + 1) >> 1
    if (starts[mid]! <= offset) low = mid
    else high = mid - 1
  }
  return { line: low + 1, column: offset - starts[low]! + 1 }
}

/** Line and column (1-based) of a character offset. */
export function positionAt(text: string, offset: number): { line: number; column: number } {
  let line = 1
  let lineStart = 0
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++
      lineStart = i + 1
    }
  }
  return { line, column: offset - lineStart + 1 }
}

/**
 * Parses plugin.json text. Syntax errors and structural errors (no object, no usable name) make it
 * fail; field-level problems are checked by validatePluginJson (common/plugin/validate.ts).
 */
export function parsePluginJson(text: string, file = 'plugin.json'): PluginJsonParse {
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    const at = /position (\d+)/.exec(message)
    const place = at ? positionAt(text, Number(at[1])) : {}
    // PostHog's JSON.parse refuses these too; name the invisible cause instead of an "unexpected token".
    const encoding = text.startsWith('\uFEFF')
      ? ' (the file starts with a byte-order mark: save it as UTF-8 without BOM)'
      : text.startsWith('\uFFFD\uFFFD') || text.slice(0, 200).includes('\u0000')
        ? ' (the file looks like UTF-16 or binary: save it as UTF-8 text)'
        : ''
    return { ok: false, problems: [{ file, message: `Not valid JSON${encoding}: ${message}`, ...place }] }
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    return { ok: false, problems: [{ file, message: 'plugin.json must be a JSON object', line: 1, column: 1 }] }
  }
  const doc = raw as Record<string, unknown>
  const problems: PluginJsonProblem[] = []
  const str = (key: string) => (typeof doc[key] === 'string' ? (doc[key] as string) : undefined)
  for (const key of ['name', 'description', 'url', 'main', 'posthogVersion']) {
    if (doc[key] !== undefined && typeof doc[key] !== 'string') problems.push({ file, message: `"${key}" must be a string` })
  }
  if (doc.config !== undefined && (typeof doc.config !== 'object' || doc.config === null)) {
    problems.push({ file, message: '"config" must be an array of fields or an object keyed by field key' })
  }
  if (problems.length) return { ok: false, problems }
  return {
    ok: true,
    plugin: {
      name: str('name') ?? '',
      description: str('description'),
      url: str('url'),
      main: str('main'),
      posthogVersion: str('posthogVersion'),
      config: configSchemaArray(doc.config),
      raw: doc,
    },
    problems: [],
  }
}
