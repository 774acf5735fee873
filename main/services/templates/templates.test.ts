import { test } from 'node:test'
import assert from 'node:assert/strict'
import path from 'node:path'
import os from 'node:os'
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { parsePluginJson } from '../../../common/plugin/plugin-json.ts'
import { validatePluginJson } from '../../../common/plugin/validate.ts'
import type { PluginEvent } from '../../../common/plugin/event.ts'
import type { EventResult } from '../../../common/protocol/runtime.ts'
import { Runner } from '../runner/runner.ts'
import { HELLO_WORLD_TEMPLATE, TEMPLATES, renderTemplate, writeTemplate, type TemplateRequest } from './templates.ts'

const ALL: TemplateRequest[] = [
  ...TEMPLATES.flatMap((t) => t.languages.map((language) => ({ template: t.id, language, name: `My ${t.title} "${language}"` }))),
  { template: HELLO_WORLD_TEMPLATE, language: 'ts', name: 'Hello world' },
]

const pageview = (properties: Record<string, unknown>, event = '$pageview'): PluginEvent => ({
  distinct_id: 'user-1',
  ip: '127.0.0.1',
  site_url: 'http://localhost:8000',
  team_id: 1,
  now: '2024-01-01T00:00:00.000Z',
  event,
  uuid: '0190f6a4-0000-7000-8000-000000000001',
  properties,
})

/** The runtime adds PostHog's `$plugins_succeeded/failed/deferred` bookkeeping; compare without it. */
function withoutBookkeeping(event: PluginEvent | null | undefined) {
  if (!event) return event
  const properties = Object.fromEntries(Object.entries(event.properties ?? {}).filter(([key]) => !key.startsWith('$plugins_')))
  return { ...event, properties }
}

test('every template has a valid plugin.json, README, entry, jest test and package.json', async () => {
  for (const request of ALL) {
    const files = await renderTemplate(request)
    const label = `${request.template}/${request.language}`
    const text = files.get('plugin.json') ?? ''
    const parsed = parsePluginJson(text, `${label}/plugin.json`)
    assert.ok(parsed.ok, `${label}: ${JSON.stringify(parsed.problems)}`)
    assert.deepEqual(validatePluginJson(text, `${label}/plugin.json`), [], label)
    assert.equal(parsed.plugin.name, request.name)
    assert.equal(parsed.plugin.main, `index.${request.language}`)
    for (const name of ['README.md', `index.${request.language}`, `index.test.${request.language}`, 'package.json']) assert.ok(files.get(name), `${label}: ${name}`)
    const pkg = JSON.parse(files.get('package.json') ?? '')
    assert.equal(pkg.scripts.test.includes('jest'), true, label)
    assert.ok(pkg.devDependencies.jest, label)
    assert.match(pkg.name, /^posthog-[a-z0-9-]+$/)
    for (const [name, content] of files) assert.doesNotMatch(content, /\{\{\w+\}\}/, `${label}/${name} has an unfilled placeholder`)
  }
  await assert.rejects(renderTemplate({ template: 'nope' as never, language: 'ts', name: 'x' }), /Unknown template "nope"/)
  await assert.rejects(renderTemplate({ template: 'filter', language: 'py' as never, name: 'x' }), /Unknown language "py"/)
})

test('a template is written whole or not at all', async (t) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'templates-test-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  const written = await writeTemplate(path.join(dir, 'one'), { template: 'filter', language: 'js', name: 'One' })
  assert.deepEqual(written, ['README.md', 'index.js', 'index.test.js', 'package.json', 'plugin.json'])
  await assert.rejects(writeTemplate(path.join(dir, 'one'), { template: 'filter', language: 'js', name: 'One' }), /already exists/)
  await assert.rejects(writeTemplate(path.join(dir, 'two'), { template: 'filter', language: 'js', name: 'Two' }, path.join(dir, 'no-such-templates')))
  assert.deepEqual(await readdir(dir), ['one'])
})

test('every template loads in the real runtime and runs a sample event', async (t) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'templates-run-'))
  const runner = await Runner.start()
  t.after(async () => {
    await runner.close()
    await rm(dir, { recursive: true, force: true })
  })
  const options = { timeoutMs: 10_000, memoryMb: 64, teamId: 1 }
  const run = async (request: TemplateRequest, events: PluginEvent[]): Promise<EventResult[]> => {
    const folder = path.join(dir, `${request.template}-${request.language}`)
    await writeTemplate(folder, request)
    const defaults = parsePluginJson(await readFile(path.join(folder, 'plugin.json'), 'utf8'))
    assert.ok(defaults.ok)
    const loaded = await runner.load({ plugins: [{ id: path.basename(folder), dir: folder, config: {}, attachments: {} }], options })
    assert.equal(loaded.setup[0].error, null, `${request.template}/${request.language} setup: ${loaded.setup[0].error}`)
    const results = await runner.processEvents(events)
    for (const result of results) assert.equal(result.error, null, `${request.template}/${request.language}: ${result.error}`)
    return results
  }
  for (const language of ['ts', 'js'] as const) {
    const enriched = await run({ template: 'enrichment', language, name: 'Enrich' }, [pageview({ $current_url: 'https://example.com/a/b' })])
    assert.deepEqual(withoutBookkeeping(enriched[0].output)?.properties, { $current_url: 'https://example.com/a/b', plugin_tag: 'enriched', url_path: '/a/b', url_depth: 2 })

    const filtered = await run({ template: 'filter', language, name: 'Filter' }, [pageview({}, '$autocapture'), pageview({ email: 'me@example.com' }), pageview({ email: 'a@b.io' })])
    assert.deepEqual(filtered.map((r) => r.output === null), [true, true, false])

    const exported = await run({ template: 'exporter', language, name: 'Export' }, [pageview({ plan: 'free' })])
    assert.deepEqual(withoutBookkeeping(exported[0].output), exported[0].input)
    // exportEvents runs when PostHog's buffer flushes: on the clock, once its seconds have passed.
    const flushed = await runner.runUntilIdle()
    const exportLogs = flushed.logs.map((l) => l.message)
    assert.ok(exportLogs.some((m) => m.startsWith('No webhook URL set; would send 1 event(s):')), JSON.stringify(flushed))

    const scheduled = await run({ template: 'scheduled', language, name: 'Scheduled' }, [pageview({ plan: 'free' })])
    assert.deepEqual(withoutBookkeeping(scheduled[0].output), scheduled[0].input)
  }
  const hello = await run({ template: HELLO_WORLD_TEMPLATE, language: 'ts', name: 'Hello' }, [pageview({ plan: 'free' })])
  assert.equal(hello[0].output?.properties?.greeting, 'Hello from Plugin Studio')
  assert.ok(hello[0].logs.some((l) => l.message === 'Greeting user-1 on "$pageview"'))
})
