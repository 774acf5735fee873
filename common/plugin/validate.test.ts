import { test } from 'node:test'
import assert from 'node:assert/strict'
import { checkPluginJson, validatePluginJson } from './validate.ts'

/** Problems as "line:column severity message", for readable assertions. */
function problems(text: string): string[] {
  return validatePluginJson(text).map((p) => `${p.line}:${p.column} ${p.severity ?? 'error'} ${p.message}`)
}
function errors(text: string): string[] {
  return problems(text).filter((p) => / error /.test(p))
}
/** "line:column" of the nth (1-based) occurrence of needle: where a problem must point. */
function at(text: string, needle: string, nth = 1): string {
  let index = -1
  for (let i = 0; i < nth; i++) index = text.indexOf(needle, index + 1)
  assert.ok(index >= 0, `${needle} not in text`)
  const before = text.slice(0, index).split('\n')
  return `${before.length}:${before[before.length - 1]!.length + 1}`
}

const GOOD = `{
  "name": "Every field",
  "config": [
    { "markdown": "## Setup" },
    { "key": "host", "name": "Host", "type": "string", "default": "https://app.example.com", "required": true },
    { "key": "mode", "name": "Mode", "type": "choice", "choices": ["api", "file"], "default": "api" },
    { "key": "token", "name": "Token", "type": "string", "secret": true, "required_if": [["mode", "api"]], "visible_if": [["mode", "api"]] },
    { "key": "mapping", "name": "Mapping", "type": "json", "default": "{}" },
    { "key": "table", "name": "Table", "type": "attachment", "visible_if": [["mode", "file"]], "hint": "A *CSV* file" }
  ]
}`

test('a plugin.json with every field type has no problems', () => {
  assert.deepEqual(problems(GOOD), [])
  const check = checkPluginJson(GOOD)
  assert.equal(check.hasErrors, false)
  assert.equal(check.plugin?.config.length, 6)
})

test('the legacy object form validates the same way', () => {
  const text = `{"name": "x", "config": {
  "a": {"type": "string", "order": 2},
  "b": {"type": "choice", "choices": ["1"], "visible_if": [["a"]], "order": 1}
}}`
  assert.deepEqual(problems(text), [])
})

test('invalid JSON: message and position of the syntax error', () => {
  const text = '{\n  "name": "x",\n  "config": [\n    { "key": "a" "type": "string" }\n  ]\n}'
  const [first] = validatePluginJson(text)
  assert.equal(first!.message, 'Not valid JSON: comma expected')
  assert.equal(first!.line, 4)
  assert.equal(first!.column, 16, "at the end of the value that lacks its comma")
  assert.deepEqual(errors('{"name": "x",}'), ['1:14 error Not valid JSON: property name expected (a double-quoted string)'])
  assert.match(errors('{"name": "x" // hi\n}')[0]!, /^1:14 error Not valid JSON: comments are not allowed in JSON/)
  assert.match(errors('')[0]!, /Not valid JSON: value expected/)
})

test('plugin.json must be an object; config must be an array or object', () => {
  assert.deepEqual(errors('[1]'), ['1:1 error plugin.json must be a JSON object'])
  assert.deepEqual(errors('{"name": "x", "config": "a"}'), ['1:25 error "config" must be an array of fields or an object keyed by field key'])
  assert.deepEqual(errors('{"name": 3}'), ['1:10 error "name" must be a string'])
})

test('unknown type, at the type value', () => {
  const text = '{\n  "name": "x",\n  "config": [\n    { "key": "flag", "type": "boolean" }\n  ]\n}'
  assert.deepEqual(errors(text), [
    `${at(text, '"boolean"')} error Field "flag": unknown type "boolean"; PostHog supports "string", "json", "attachment" and "choice" (there is no boolean type: use a choice of "true"/"false")`,
  ])
})

test('choice without valid choices, and a secret choice', () => {
  const text = `{"name": "x", "config": [
  {"key": "a", "type": "choice"},
  {"key": "b", "type": "choice", "choices": []},
  {"key": "c", "type": "choice", "choices": ["x", 2]},
  {"key": "d", "type": "choice", "choices": ["x"], "secret": true}
]}`
  assert.deepEqual(errors(text), [
    `${at(text, '"choice"')} error Field "a": type "choice" needs "choices", a non-empty array of strings (PostHog shows "Invalid config field")`,
    `${at(text, '[]')} error Field "b": "choices" must be a non-empty array of strings (PostHog shows "Invalid config field")`,
    `${at(text, '2]')} error Field "c": every choice must be a string (PostHog shows "Invalid config field")`,
    `${at(text, 'true')} error Field "d": a choice field cannot be secret (PostHog shows "Invalid config field")`,
  ])
})

test('duplicate key: the second one, naming the first line', () => {
  const text = `{"name": "x", "config": [
  {"key": "host", "type": "string"},
  {"key": "port", "type": "string"},
  {"key": "host", "type": "string"}
]}`
  assert.deepEqual(errors(text), ['4:11 error Duplicate field key "host" (first at line 2): PostHog keeps one value per key'])
})

test('required_if / visible_if naming a missing key or malformed', () => {
  const text = `{"name": "x", "config": [
  {"key": "mode", "type": "string"},
  {"key": "a", "type": "string", "required_if": [["nope", "x"]]},
  {"key": "b", "type": "string", "visible_if": [["mode", 3]]},
  {"key": "c", "type": "string", "visible_if": "mode"},
  {"key": "d", "type": "string", "required_if": ["mode"]},
  {"key": "e", "type": "string", "visible_if": [[]]}
]}`
  const found = errors(text)
  assert.deepEqual(found, [
    `${at(text, '"nope"')} error Field "a": "required_if" names "nope", which is not a field key in this config`,
    `${at(text, '3]]')} error Field "b": the value in "visible_if" must be a string (config values are strings), or left out to mean "any value"`,
    `${at(text, '"mode"},')} error Field "c": "visible_if" must be an array of [fieldKey] or [fieldKey, value] pairs`,
    `${at(text, '"mode"]}')} error Field "d": every "required_if" entry must be [fieldKey] or [fieldKey, value]`,
    `${at(text, '[]]')} error Field "e": every "visible_if" entry must be [fieldKey] or [fieldKey, value]`,
  ])
})

test('wrong field property types', () => {
  const text = `{"name": "x", "config": [
  {"key": "a", "type": "string", "required": "yes", "secret": 1, "name": 5, "hint": [], "key2": 1},
  {"key": 7, "type": "string"},
  {"key": "", "type": "string"},
  "just a string"
]}`
  assert.deepEqual(errors(text), [
    `${at(text, '"yes"')} error Field "a": "required" must be true or false`,
    `${at(text, '1,')} error Field "a": "secret" must be true or false`,
    `${at(text, '5,')} error Field "a": "name" must be a string`,
    `${at(text, '[],')} error Field "a": "hint" must be a string`,
    `${at(text, '7')} error config[1]: "key" must be a non-empty string`,
    `${at(text, '""')} error config[2]: "key" must be a non-empty string`,
    `${at(text, '"just')} error config[3] must be an object (a config field)`,
  ])
})

test('a field with neither key nor markdown, and a typed field without key', () => {
  const text = `{"name": "x", "config": [
  {"name": "Lonely"},
  {"type": "string", "name": "Nameless"}
]}`
  assert.deepEqual(errors(text), [
    `${at(text, '{"name": "Lonely"')} error config[0] has neither "key" nor "markdown": PostHog shows nothing for it`,
    `${at(text, '{"type"')} error config[1] has a "type" but no "key": its value cannot be stored`,
  ])
})

test('warnings: unknown properties with a suggestion, non-string default, default outside choices, stateless with config', () => {
  const text = `{"name": "x", "stateless": true, "config": [
  {"key": "a", "type": "string", "description": "hi", "default": 5},
  {"key": "b", "type": "choice", "choices": ["x", "y"], "default": "z"},
  {"key": "c", "type": "string", "required": true, "visible_if": [["b", "q"]]}
]}`
  const found = problems(text)
  assert.ok(found.includes(`${at(text, '"description"')} warning Field "a": unknown property "description", PostHog ignores it (did you mean "hint"?)`), found.join('\n'))
  assert.ok(found.includes(`${at(text, '5}')} warning Field "a": "default" should be a string: PostHog passes config values to the plugin as strings`), found.join('\n'))
  assert.ok(found.includes(`${at(text, '"z"')} warning Field "b": default "z" is not one of its choices`), found.join('\n'))
  assert.ok(found.some((p) => p.startsWith(`${at(text, '"q"')} warning Field "c": "visible_if" compares "b" with "q", which is not one of its choices`)), found.join('\n'))
  assert.ok(found.some((p) => p.startsWith(`${at(text, 'true, "visible_if"')} warning Field "c" is required but has "visible_if"`)), found.join('\n'))
  assert.ok(found.some((p) => p.startsWith(`${at(text, 'true')} error Stateless plugins cannot have a config!`)), found.join('\n'))
})

test('duplicate JSON properties and a missing name are warnings', () => {
  const found = problems('{"config": [{"key": "a", "type": "string", "type": "json"}]}')
  assert.deepEqual(found, [
    '1:1 warning plugin.json has no "name": PostHog needs it to install the plugin from a URL',
    '1:44 warning Duplicate property "type" in field "a": JSON.parse keeps only the last one',
  ])
})

test('problems carry an end position for editor markers', () => {
  const [problem] = validatePluginJson('{"name": "x", "config": [{"key": "a", "type": "bool"}]}')
  assert.deepEqual([problem!.line, problem!.column, problem!.endLine, problem!.endColumn], [1, 47, 1, 53])
})

test('checkPluginJson: errors mark the result broken but keep the parsed plugin when the JSON reads', () => {
  const check = checkPluginJson('{"name": "x", "config": [{"key": "a", "type": "bool"}]}')
  assert.equal(check.hasErrors, true)
  assert.equal(check.plugin?.config[0]?.type, 'bool')
  const broken = checkPluginJson('{"name": ')
  assert.equal(broken.plugin, null)
  assert.equal(broken.hasErrors, true)
})
