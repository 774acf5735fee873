// Every problem of a plugin.json text, each pointing at its place: what PostHog would refuse or render
// wrongly (errors) and what it tolerates but is most likely a mistake (warnings). Reference §3.
import { parseTree, printParseErrorCode } from 'jsonc-parser'
import type { Node, ParseError } from 'jsonc-parser'
import { lineStarts, parsePluginJson, positionIn } from './plugin-json.ts'
import type { PluginJson, PluginJsonProblem } from './plugin-json.ts'

export const CONFIG_FIELD_TYPES = ['string', 'json', 'attachment', 'choice'] as const

/** Keys PostHog reads from a config field (`site` is PH-late). */
const FIELD_PROPERTIES = new Set(['key', 'name', 'type', 'default', 'hint', 'markdown', 'order', 'required', 'secret', 'choices', 'required_if', 'visible_if', 'site'])
const LIKELY_MEANT: Record<string, string> = {
  description: 'hint', help: 'hint', label: 'name', title: 'name', options: 'choices', values: 'choices', enum: 'choices',
  visibleIf: 'visible_if', requiredIf: 'required_if', visible: 'visible_if', optional: 'required', password: 'secret',
}
const TOP_LEVEL_STRINGS = ['name', 'description', 'url', 'main', 'posthogVersion', 'icon']

const JSON_ERRORS: Record<string, string> = {
  InvalidSymbol: 'unexpected character',
  InvalidNumberFormat: 'invalid number',
  PropertyNameExpected: 'property name expected (a double-quoted string)',
  ValueExpected: 'value expected',
  ColonExpected: 'colon expected',
  CommaExpected: 'comma expected',
  CloseBraceExpected: 'closing brace expected',
  CloseBracketExpected: 'closing bracket expected',
  EndOfFileExpected: 'end of file expected',
  InvalidCommentToken: 'comments are not allowed in JSON',
  UnexpectedEndOfComment: 'unexpected end of comment',
  UnexpectedEndOfString: 'unterminated string',
  UnexpectedEndOfNumber: 'unexpected end of number',
  InvalidUnicode: 'invalid unicode escape',
  InvalidEscapeCharacter: 'invalid escape character',
  InvalidCharacter: 'invalid character in string',
}

interface FieldEntry {
  node: Node
  /** The key as PostHog will see it, when it is a string. */
  key?: string
  /** Where to point for the key: the "key" value, or the property name in the object form. */
  keyNode?: Node
  /** How messages name the field. */
  label: string
  type?: string
  choices?: string[]
}

class Collector {
  readonly problems: PluginJsonProblem[] = []
  readonly text: string
  private readonly file: string
  private starts: number[] | undefined
  constructor(text: string, file: string) {
    this.text = text
    this.file = file
  }

  at(node: Node | undefined, message: string, severity: 'error' | 'warning' = 'error'): void {
    if (!node) return this.atOffset(0, 0, message, severity)
    this.atOffset(node.offset, node.length, message, severity)
  }

  /** Line starts are computed once: thousands of problems in a big file stay linear. */
  position(offset: number): { line: number; column: number } {
    this.starts ??= lineStarts(this.text)
    return positionIn(this.starts, offset)
  }

  atOffset(offset: number, length: number, message: string, severity: 'error' | 'warning' = 'error'): void {
    const start = this.position(offset)
    const end = this.position(Math.min(offset + Math.max(length, 1), this.text.length))
    this.problems.push({ file: this.file, message, line: start.line, column: start.column, endLine: end.line, endColumn: end.column, severity })
  }
}

/** Every problem of plugin.json `text`, in text order. An empty list means PostHog renders it as meant. */
export function validatePluginJson(text: string, file = 'plugin.json'): PluginJsonProblem[] {
  const out = new Collector(text, file)
  // The parser and the checks below recurse: refuse absurd nesting before they see it.
  const deep = tooDeepAt(text, MAX_NESTING)
  if (deep !== -1) {
    out.atOffset(deep, 1, `plugin.json is nested more than ${MAX_NESTING} levels deep`)
    return out.problems
  }
  const errors: ParseError[] = []
  const root = parseTree(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false })
  if (errors.length) {
    // The first syntax error is the real one; the parser's later ones follow from its recovery.
    const error = errors[0]!
    const code = printParseErrorCode(error.error)
    // A missing comma is reported at the next token; the author forgot it at the end of the previous one.
    let offset = error.offset
    let length = error.length
    if (code === 'CommaExpected') {
      let before = offset
      while (before > 0 && /\s/.test(text[before - 1]!)) before--
      if (before > 0) [offset, length] = [before - 1, 1]
    }
    out.atOffset(offset, length, `Not valid JSON: ${JSON_ERRORS[code] ?? code}`)
    return sortProblems(out.problems)
  }
  if (!root || root.type !== 'object') {
    out.at(root, 'plugin.json must be a JSON object')
    return out.problems
  }
  checkDuplicateProperties(root, out, 'plugin.json')
  checkTopLevel(root, out)
  const config = property(root, 'config')
  if (config) {
    const fields = collectFields(config, out)
    for (const field of fields) checkField(field, out, config.type === 'array')
    checkKeysAndConditions(fields, out)
    const stateless = property(root, 'stateless')
    if (stateless?.value === true && fields.length > 0) out.at(stateless, 'Stateless plugins cannot have a config! (PostHog refuses to install it)')
  }
  return sortProblems(out.problems)
}

export interface PluginJsonCheck {
  /** The parsed document when it is JSON PostHog can read (even with problems), else null. */
  plugin: PluginJson | null
  problems: PluginJsonProblem[]
  /** True when a problem has severity error: the form it describes is broken. */
  hasErrors: boolean
}

/** Parses and validates in one go: what the form previewer and the editor markers need. */
export function checkPluginJson(text: string, file = 'plugin.json'): PluginJsonCheck {
  const problems = validatePluginJson(text, file)
  const parsed = parsePluginJson(text, file)
  // parsePluginJson's reasons repeat what validation found; they are added only if validation found none.
  if (!parsed.ok && !problems.some((p) => (p.severity ?? 'error') === 'error')) problems.push(...parsed.problems)
  const hasErrors = problems.some((p) => (p.severity ?? 'error') === 'error')
  return { plugin: parsed.ok ? parsed.plugin : null, problems, hasErrors }
}

/** No real plugin.json comes near this; the JSON parser's recursion does at ~10 000. */
export const MAX_NESTING = 1000

/** Offset of the bracket that first exceeds `max` levels, skipping strings; -1 when none does. */
function tooDeepAt(text: string, max: number): number {
  let depth = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (inString) {
      if (c === 92 /* \\ */) i++
      else if (c === 34 /* " */) inString = false
    } else if (c === 34) inString = true
    else if (c === 123 || c === 91 /* { [ */) {
      if (++depth > max) return i
    } else if (c === 125 || c === 93 /* } ] */) depth--
  }
  return -1
}

function sortProblems(problems: PluginJsonProblem[]): PluginJsonProblem[] {
  return problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0))
}

function property(object: Node, name: string): Node | undefined {
  const prop = object.children?.filter((p) => p.children?.[0]?.value === name).pop()
  return prop?.children?.[1]
}

function properties(object: Node): { nameNode: Node; valueNode: Node | undefined; name: string }[] {
  return (object.children ?? []).map((p) => ({ nameNode: p.children![0]!, valueNode: p.children?.[1], name: String(p.children?.[0]?.value) }))
}

function checkDuplicateProperties(object: Node, out: Collector, where: string): void {
  const seen = new Set<string>()
  for (const { name, nameNode } of properties(object)) {
    if (seen.has(name)) out.at(nameNode, `Duplicate property "${name}" in ${where}: JSON.parse keeps only the last one`, 'warning')
    seen.add(name)
  }
}

function checkTopLevel(root: Node, out: Collector): void {
  const name = property(root, 'name')
  if (!name) out.atOffset(root.offset, 1, 'plugin.json has no "name": PostHog needs it to install the plugin from a URL', 'warning')
  for (const key of TOP_LEVEL_STRINGS) {
    const node = property(root, key)
    if (node && node.type !== 'string') out.at(node, `"${key}" must be a string`)
  }
  const config = property(root, 'config')
  if (config && config.type !== 'array' && config.type !== 'object') {
    out.at(config, '"config" must be an array of fields or an object keyed by field key')
  }
}

function collectFields(config: Node, out: Collector): FieldEntry[] {
  const fields: FieldEntry[] = []
  if (config.type === 'array') {
    for (const [index, node] of (config.children ?? []).entries()) {
      if (node.type !== 'object') {
        out.at(node, `config[${index}] must be an object (a config field)`)
        continue
      }
      const keyNode = property(node, 'key')
      const key = keyNode?.type === 'string' ? (keyNode.value as string) : undefined
      fields.push({ node, key, keyNode, label: key ? `Field "${key}"` : `config[${index}]` })
    }
  } else if (config.type === 'object') {
    checkDuplicateProperties(config, out, '"config"')
    for (const { name, nameNode, valueNode } of properties(config)) {
      if (!valueNode || valueNode.type !== 'object') {
        out.at(valueNode ?? nameNode, `config "${name}" must be an object (a config field)`)
        continue
      }
      // PostHog spreads the value over {key}: a "key" inside wins.
      const inner = property(valueNode, 'key')
      const key = inner?.type === 'string' ? (inner.value as string) : name
      if (inner && inner.value !== name) out.at(inner, `Field "${name}" has "key": ${JSON.stringify(inner.value)}, which replaces its name in the object form`, 'warning')
      fields.push({ node: valueNode, key, keyNode: inner ?? nameNode, label: `Field "${key}"` })
    }
  }
  return fields
}

function checkField(field: FieldEntry, out: Collector, arrayForm: boolean): void {
  const { node, label } = field
  checkDuplicateProperties(node, out, label.toLowerCase().startsWith('field') ? `field ${label.slice(6)}` : label)
  for (const { name, nameNode } of properties(node)) {
    if (FIELD_PROPERTIES.has(name)) continue
    const hint = LIKELY_MEANT[name] ? ` (did you mean "${LIKELY_MEANT[name]}"?)` : ''
    out.at(nameNode, `${label}: unknown property "${name}", PostHog ignores it${hint}`, 'warning')
  }
  const get = (name: string) => property(node, name)
  const typeNode = get('type')
  const keyNode = get('key')
  const markdown = get('markdown')

  if (keyNode && (keyNode.type !== 'string' || keyNode.value === '')) out.at(keyNode, `${label}: "key" must be a non-empty string`)
  for (const name of ['name', 'hint', 'markdown']) {
    const value = get(name)
    if (value && value.type !== 'string') out.at(value, `${label}: "${name}" must be a string`)
  }
  for (const name of ['required', 'secret', 'site']) {
    const value = get(name)
    if (value && value.type !== 'boolean') out.at(value, `${label}: "${name}" must be true or false`)
  }
  const order = get('order')
  if (order && order.type !== 'number') out.at(order, `${label}: "order" must be a number`, 'warning')
  else if (order && arrayForm) out.at(order, `${label}: "order" is ignored in the array form (fields keep their array order)`, 'warning')

  if (typeNode) {
    if (typeNode.type !== 'string') {
      out.at(typeNode, `${label}: "type" must be a string`)
    } else if (!(CONFIG_FIELD_TYPES as readonly string[]).includes(typeNode.value as string)) {
      const extra = typeNode.value === 'boolean' ? ' (there is no boolean type: use a choice of "true"/"false")' : ''
      out.at(typeNode, `${label}: unknown type "${typeNode.value}"; PostHog supports "string", "json", "attachment" and "choice"${extra}`)
    } else {
      field.type = typeNode.value as string
    }
  }
  const hasKey = typeof field.key === 'string' && field.key !== ''
  if (!hasKey && !keyNode) {
    if (typeNode) out.at(node, `${label} has a "type" but no "key": its value cannot be stored`)
    else if (!markdown) out.at(node, `${label} has neither "key" nor "markdown": PostHog shows nothing for it`)
  }
  if (hasKey && !typeNode && !markdown) out.at(keyNode ?? node, `${label} has no "type": PostHog shows no input for it`, 'warning')

  checkChoices(field, get('choices'), get('secret'), out)
  checkDefault(field, get('default'), out)
}

function checkChoices(field: FieldEntry, choices: Node | undefined, secret: Node | undefined, out: Collector): void {
  const { label, node } = field
  if (field.type !== 'choice') {
    if (choices) out.at(choices, `${label}: "choices" is only read for type "choice"`, 'warning')
    return
  }
  if (!choices) {
    out.at(property(node, 'type'), `${label}: type "choice" needs "choices", a non-empty array of strings (PostHog shows "Invalid config field")`)
  } else if (choices.type !== 'array' || !choices.children?.length) {
    out.at(choices, `${label}: "choices" must be a non-empty array of strings (PostHog shows "Invalid config field")`)
  } else {
    const bad = choices.children.find((c) => c.type !== 'string')
    if (bad) out.at(bad, `${label}: every choice must be a string (PostHog shows "Invalid config field")`)
    else {
      field.choices = choices.children.map((c) => c.value as string)
      const seen = new Set<string>()
      for (const c of choices.children) {
        if (seen.has(c.value)) out.at(c, `${label}: choice ${JSON.stringify(c.value)} is listed twice`, 'warning')
        seen.add(c.value)
      }
    }
  }
  if (secret?.value === true) out.at(secret, `${label}: a choice field cannot be secret (PostHog shows "Invalid config field")`)
}

function checkDefault(field: FieldEntry, value: Node | undefined, out: Collector): void {
  if (!value) return
  const { label } = field
  if (field.type === 'attachment') {
    out.at(value, `${label}: an attachment has no default`, 'warning')
    return
  }
  if (value.type !== 'string') {
    out.at(value, `${label}: "default" should be a string: PostHog passes config values to the plugin as strings`, 'warning')
    return
  }
  if (field.type === 'choice' && field.choices && value.value !== '' && !field.choices.includes(value.value)) {
    out.at(value, `${label}: default ${JSON.stringify(value.value)} is not one of its choices`, 'warning')
  }
  if (field.type === 'json' && value.value.trim() !== '') {
    try {
      JSON.parse(value.value)
    } catch {
      out.at(value, `${label}: default is not valid JSON`, 'warning')
    }
  }
}

function checkKeysAndConditions(fields: FieldEntry[], out: Collector): void {
  const byKey = new Map<string, FieldEntry>()
  for (const field of fields) {
    if (!field.key) continue
    const first = byKey.get(field.key)
    if (first) {
      const where = first.keyNode ? ` (first at line ${out.position(first.keyNode.offset).line})` : ''
      out.at(field.keyNode ?? field.node, `Duplicate field key "${field.key}"${where}: PostHog keeps one value per key`)
    } else byKey.set(field.key, field)
  }
  for (const field of fields) {
    for (const kind of ['required_if', 'visible_if'] as const) {
      const node = property(field.node, kind)
      if (node) checkConditions(field, kind, node, byKey, out)
    }
    const visibleIf = property(field.node, 'visible_if')
    const required = property(field.node, 'required')
    if (visibleIf && required?.value === true) {
      out.at(required, `${field.label} is required but has "visible_if": PostHog still refuses to save it while it is hidden and empty; use "required_if" with the same conditions`, 'warning')
    }
  }
}

function checkConditions(field: FieldEntry, kind: string, node: Node, byKey: Map<string, FieldEntry>, out: Collector): void {
  const { label } = field
  const shape = `an array of [fieldKey] or [fieldKey, value] pairs`
  if (node.type !== 'array') {
    out.at(node, `${label}: "${kind}" must be ${shape}`)
    return
  }
  if (!node.children?.length) {
    const effect = kind === 'required_if' ? 'the field is always required' : 'it has no effect'
    out.at(node, `${label}: "${kind}" is empty: an empty list always matches, so ${effect}`, 'warning')
    return
  }
  for (const pair of node.children) {
    const [target, value, ...rest] = pair.children ?? []
    if (pair.type !== 'array' || !target || rest.length) {
      out.at(pair, `${label}: every "${kind}" entry must be [fieldKey] or [fieldKey, value]`)
      continue
    }
    if (target.type !== 'string') {
      out.at(target, `${label}: "${kind}" must name a field key (a string)`)
      continue
    }
    if (value && value.type !== 'string') {
      out.at(value, `${label}: the value in "${kind}" must be a string (config values are strings), or left out to mean "any value"`)
    }
    const targetField = byKey.get(target.value)
    if (!targetField) {
      out.at(target, `${label}: "${kind}" names "${target.value}", which is not a field key in this config`)
      continue
    }
    if (target.value === field.key) out.at(target, `${label}: "${kind}" names the field itself`, 'warning')
    if (value?.type === 'string' && targetField.type === 'choice' && targetField.choices && !targetField.choices.includes(value.value)) {
      out.at(value, `${label}: "${kind}" compares "${target.value}" with ${JSON.stringify(value.value)}, which is not one of its choices, so it never matches`, 'warning')
    }
    if (value?.type === 'string' && targetField.type === 'attachment') {
      out.at(value, `${label}: "${kind}" compares the attachment "${target.value}" with a value; an attachment only matches [fieldKey] (any file)`, 'warning')
    }
  }
}
