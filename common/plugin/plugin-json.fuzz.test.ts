// Malformed plugin.json documents (issue 7), generated: wrong types, missing keys, broken syntax,
// invalid UTF-8 decoded, deep nesting, huge files. parsePluginJson, validatePluginJson and
// checkPluginJson must always answer — a result or clear problems — never throw, never hang.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { Worker } from 'node:worker_threads'
import { parsePluginJson } from './plugin-json.ts'
import type { PluginJsonProblem } from './plugin-json.ts'
import { checkPluginJson, validatePluginJson } from './validate.ts'

/** Bounded so the suite stays fast; FUZZ_RUNS raises it for a longer hunt. */
const RUNS = Number(process.env.FUZZ_RUNS ?? 300)
const FILE = 'fuzz/plugin.json'
/** A huge or deep document must still be answered within this (generous, for loaded CI machines). */
const BIG_DOCUMENT_MS = 6_000

/** Counts for the issue note: how many generated documents went through. */
const fuzzCases = { documents: 0 }

function assertProblems(problems: PluginJsonProblem[], text: string): void {
  assert.ok(Array.isArray(problems), 'problems must be a list')
  for (const p of problems) {
    assert.equal(p.file, FILE)
    assert.equal(typeof p.message, 'string')
    assert.ok(p.message.trim().length > 0, 'a problem needs a message')
    assert.ok(p.message.length < 2000, `a problem message must stay readable, not ${p.message.length} characters`)
    if (p.line !== undefined) {
      assert.ok(Number.isInteger(p.line) && p.line >= 1, `line ${p.line}`)
      assert.ok(p.line <= text.split('\n').length + 1, `line ${p.line} is past the end of the text`)
    }
    if (p.column !== undefined) assert.ok(Number.isInteger(p.column) && p.column >= 1, `column ${p.column}`)
    assert.ok(p.severity === undefined || p.severity === 'error' || p.severity === 'warning')
  }
}

/** Everything the three entry points promise for any text at all. */
function checkText(text: string): void {
  fuzzCases.documents++
  const parsed = parsePluginJson(text, FILE)
  assertProblems(parsed.problems, text)
  let json: unknown
  let isJson = true
  try {
    json = JSON.parse(text)
  } catch {
    isJson = false
  }
  if (parsed.ok) {
    assert.equal(typeof parsed.plugin.name, 'string')
    assert.ok(Array.isArray(parsed.plugin.config), 'config is always the array form')
    assert.ok(isJson && json !== null && typeof json === 'object' && !Array.isArray(json), 'only a JSON object parses')
  } else {
    assert.ok(parsed.problems.length > 0, 'a failed parse says why')
    if (!isJson) assert.match(parsed.problems[0].message, /^Not valid JSON/)
  }
  const problems = validatePluginJson(text, FILE)
  assertProblems(problems, text)
  const hasErrors = problems.some((p) => (p.severity ?? 'error') === 'error')
  if (!isJson) assert.ok(hasErrors, 'text that is not JSON must be an error for validation too')
  const check = checkPluginJson(text, FILE)
  assertProblems(check.problems, text)
  assert.equal(check.hasErrors, check.problems.some((p) => (p.severity ?? 'error') === 'error'))
  assert.equal(check.plugin === null, !parsed.ok)
  if (!parsed.ok) assert.ok(check.hasErrors, `a document parsePluginJson refuses must show an error in the form: ${parsed.problems[0].message}`)
}

// ---- generators -------------------------------------------------------------------------------------------
const TOP_KEYS = ['name', 'description', 'url', 'main', 'posthogVersion', 'icon', 'config', 'stateless', 'publicJobs']
const FIELD_KEYS = ['key', 'name', 'type', 'default', 'hint', 'markdown', 'order', 'required', 'secret', 'choices', 'required_if', 'visible_if', 'site', 'label', 'options']

/** Any JSON value, including the wrong type for every slot. */
const anyJson = fc.jsonValue({ maxDepth: 3 })
/** Mostly the right kind of value for a slot, often the wrong one. */
const fieldValue = fc.oneof(
  fc.constantFrom('string', 'json', 'attachment', 'choice', 'boolean', '', 'STRING'),
  fc.string(),
  fc.array(fc.oneof(fc.string(), fc.integer(), fc.constant(null)), { maxLength: 4 }),
  fc.array(fc.tuple(fc.string(), fc.option(fc.string(), { nil: undefined })), { maxLength: 3 }),
  anyJson,
)
const field = fc.dictionary(fc.constantFrom(...FIELD_KEYS), fieldValue, { maxKeys: 8 })
const config = fc.oneof(
  fc.array(fc.oneof(field, anyJson), { maxLength: 6 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.oneof(field, anyJson), { maxKeys: 5 }),
  anyJson,
)
const pluginDocument = fc.dictionary(fc.constantFrom(...TOP_KEYS), fc.oneof(config, anyJson, fc.string()), { maxKeys: 7 })

test('plugin-shaped documents with wrong types and missing keys: a result or clear problems, never a throw', () => {
  fc.assert(
    fc.property(pluginDocument, (doc) => {
      checkText(JSON.stringify(doc, null, 2))
    }),
    { numRuns: RUNS },
  )
})

test('any JSON value at all as plugin.json', () => {
  fc.assert(
    fc.property(fc.jsonValue({ maxDepth: 4 }), (value) => {
      checkText(JSON.stringify(value) ?? 'null')
    }),
    { numRuns: RUNS },
  )
})

test('broken syntax: a valid plugin.json with characters cut, inserted or replaced', () => {
  const base = JSON.stringify({ name: 'Geo', config: [{ key: 'token', name: 'Token', type: 'string', required: true, default: 'a' }, { key: 'mode', type: 'choice', choices: ['a', 'b'], visible_if: [['token']] }] }, null, 2)
  const edit = fc.record({
    at: fc.nat({ max: base.length }),
    cut: fc.nat({ max: 6 }),
    insert: fc.oneof(fc.constantFrom('', ',', '{', '}', '[', ']', '"', ':', '\\', '//', '/*', '\u0000', '\uFFFD', '\n', 'nul', '1e99999', '-'), fc.string({ maxLength: 4, unit: 'binary' })),
  })
  fc.assert(
    fc.property(fc.array(edit, { minLength: 1, maxLength: 3 }), (edits) => {
      let text = base
      for (const e of edits) text = text.slice(0, Math.min(e.at, text.length)) + e.insert + text.slice(Math.min(e.at, text.length) + e.cut)
      checkText(text)
    }),
    { numRuns: RUNS },
  )
})

test('arbitrary text and invalid UTF-8 bytes decoded (replacement characters, lone surrogates, NULs, BOMs)', () => {
  const decoded = fc.uint8Array({ maxLength: 200 }).map((bytes) => new TextDecoder('utf-8').decode(bytes))
  const withBom = fc.string({ unit: 'binary' }).map((s) => `\uFEFF${s}`)
  const latin1InJson = fc.uint8Array({ maxLength: 60 }).map((bytes) => `{"name": "${Buffer.from(bytes).toString('latin1').replace(/["\\]/g, '')}"}`)
  const badUtf8InJson = fc.uint8Array({ minLength: 1, maxLength: 40 }).map((bytes) => new TextDecoder().decode(Buffer.concat([Buffer.from('{"name": "'), Buffer.from(bytes.map((b) => b | 0x80)), Buffer.from('"}')])))
  const loneSurrogates = fc.string({ unit: 'binary' }).map((s) => JSON.stringify({ name: `${s}\uD800`, description: '\uDC00' }))
  fc.assert(
    fc.property(fc.oneof(decoded, withBom, latin1InJson, badUtf8InJson, loneSurrogates, fc.string({ unit: 'binary', maxLength: 200 })), (text) => {
      checkText(text)
    }),
    { numRuns: RUNS },
  )
})

// ---- big documents: each entry point in a worker, so a hang is a failure and not a stuck suite ------------------
type EntryPoint = 'parsePluginJson' | 'validatePluginJson' | 'checkPluginJson'
type Answer = { answered: true; threw: string | null; ms: number; problems: number } | { answered: false; ms: number }

const WORKER = `
const { parentPort, workerData } = require('node:worker_threads')
Promise.all([import(workerData.pluginJson), import(workerData.validate)]).then(([p, v]) => {
  const fn = { parsePluginJson: p.parsePluginJson, validatePluginJson: v.validatePluginJson, checkPluginJson: v.checkPluginJson }[workerData.fn]
  const started = performance.now()
  try {
    const out = fn(workerData.text, 'fuzz/plugin.json')
    const problems = Array.isArray(out) ? out : out.problems
    for (const problem of problems) if (typeof problem.message !== 'string' || !problem.message) throw new Error('a problem without a message')
    parentPort.postMessage({ threw: null, ms: performance.now() - started, problems: problems.length })
  } catch (error) {
    parentPort.postMessage({ threw: String(error), ms: performance.now() - started, problems: 0 })
  }
})
`

async function answerIn(fn: EntryPoint, text: string): Promise<Answer> {
  const started = performance.now()
  const worker = new Worker(WORKER, {
    eval: true,
    workerData: { fn, text, pluginJson: new URL('./plugin-json.ts', import.meta.url).href, validate: new URL('./validate.ts', import.meta.url).href },
    resourceLimits: { maxOldGenerationSizeMb: 1024 },
  })
  try {
    return await new Promise<Answer>((resolve) => {
      const timer = setTimeout(() => resolve({ answered: false, ms: performance.now() - started }), BIG_DOCUMENT_MS)
      worker.once('message', (m: { threw: string | null; ms: number; problems: number }) => {
        clearTimeout(timer)
        resolve({ answered: true, ...m })
      })
      worker.once('error', (error) => {
        clearTimeout(timer)
        resolve({ answered: true, threw: `the worker died: ${String(error)}`, ms: performance.now() - started, problems: 0 })
      })
    })
  } finally {
    // Not awaited: V8 cannot interrupt some long built-ins (an object spread of a huge string), and the
    // suite must not wait for them; unref lets the process end while the worker winds down.
    worker.unref()
    void worker.terminate()
  }
}

/** Every entry point answers the document within BIG_DOCUMENT_MS, without throwing. */
async function answersBigDocument(text: string, minProblems = 0, only: EntryPoint[] = ['parsePluginJson', 'validatePluginJson', 'checkPluginJson']): Promise<void> {
  const failures: string[] = []
  for (const fn of only) {
    fuzzCases.documents++
    const answer = await answerIn(fn, text)
    if (!answer.answered) {
      failures.push(`${fn} did not answer within ${BIG_DOCUMENT_MS} ms (${Math.round(text.length / 1024)} KB)`)
      break // the others would only hang the same way: the suite stays fast
    }
    else if (answer.threw) failures.push(`${fn} threw ${answer.threw.slice(0, 200)}`)
    else if (fn !== 'parsePluginJson' && answer.problems < minProblems) failures.push(`${fn} reported ${answer.problems} problems, expected at least ${minProblems}`)
  }
  assert.deepEqual(failures, [])
}

const DEEP = 100_000
const deepArray = (depth: number) => '['.repeat(depth) + ']'.repeat(depth)
const deepObject = (depth: number) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth)

const BIG_DOCUMENTS: { name: string; text: () => string; minProblems?: number; only?: EntryPoint[] }[] = [
  { name: '1 000 levels of arrays as config', text: () => `{"name":"deep","config":${deepArray(1000)}}` },
  { name: '1 000 levels of objects in a json default', text: () => `{"name":"deep","config":[{"key":"k","type":"json","default":${deepObject(1000)}}]}` },
  { name: `${DEEP} levels of arrays as config`, text: () => `{"name":"deep","config":${deepArray(DEEP)}}` },
  { name: `${DEEP} levels of objects in the object form`, text: () => `{"name":"deep","config":{"k":${deepObject(DEEP)}}}` },
  { name: `${DEEP} unclosed brackets`, text: () => '{"name":"deep","config":' + '['.repeat(DEEP), minProblems: 1 },
  { name: '20 000 valid fields (5 MB)', text: () => JSON.stringify({ name: 'big', config: Array.from({ length: 20_000 }, (_, i) => ({ key: `field_${i}`, name: `Field ${i}`, type: 'string', default: 'x'.repeat(200) })) }) },
  {
    name: '5 000 broken fields (5 000+ problems)',
    text: () => JSON.stringify({ name: 'big', config: Array.from({ length: 5_000 }, (_, i) => ({ key: i, type: 'boolean', required: 'yes' })) }, null, 1),
    minProblems: 5_000
  },
  { name: '40 000 duplicate top-level keys', text: () => `{"name":"dup",${Array.from({ length: 40_000 }, () => '"x":1').join(',')}}`, minProblems: 39_999 },
  { name: 'a 5 MB name and description', text: () => JSON.stringify({ name: 'n'.repeat(5 * 2 ** 20), description: 'd'.repeat(5 * 2 ** 20) }) },
  { name: 'a 4 MB string as a field of the object form', text: () => JSON.stringify({ name: 'big', config: { k: 'v'.repeat(4 * 2 ** 20) } }), minProblems: 1 },
  { name: '10 MB of one unterminated string', text: () => '{"name":"' + 'x'.repeat(10 * 2 ** 20), minProblems: 1 },
]

for (const doc of BIG_DOCUMENTS) {
  test(`big document: ${doc.name} — answered within ${BIG_DOCUMENT_MS / 1000} s, never a throw`, async () => {
    await answersBigDocument(doc.text(), doc.minProblems, doc.only)
  })
}

test('figures', () => {
  console.log(`plugin.json fuzz: ${fuzzCases.documents} documents through parsePluginJson/validatePluginJson/checkPluginJson`)
})
