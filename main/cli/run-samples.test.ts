// `plugin-studio run` over every sample-events/ file, and over generated JSON Lines: real output.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { REPO, plugin, runCli } from './spawn-cli.test-helper.ts'

const SAMPLES = join(REPO, 'sample-events')
const files = readdirSync(SAMPLES).filter((f) => f.endsWith('.json')).sort()

test('there are at least 10 sample scenarios of 1–20 events with PostHog fields', () => {
  assert.ok(files.length >= 10, `${files.length} sample files`)
  for (const file of files) {
    const events = JSON.parse(readFileSync(join(SAMPLES, file), 'utf8')) as Record<string, unknown>[]
    assert.ok(Array.isArray(events) && events.length >= 1 && events.length <= 20, file)
    for (const e of events) {
      for (const key of ['event', 'distinct_id', 'site_url', 'team_id', 'now', 'uuid']) assert.ok(key in e, `${file}: ${key}`)
      assert.match(String(e.uuid), /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/, `${file}: uuid`)
    }
  }
  const all = files.flatMap((f) => JSON.parse(readFileSync(join(SAMPLES, f), 'utf8')) as Record<string, unknown>[])
  const names = new Set(all.map((e) => e.event))
  for (const name of ['$pageview', '$pageleave', '$autocapture', '$identify', '$groupidentify', '$screen', 'order completed', 'signed up']) assert.ok(names.has(name), name)
  assert.ok(all.some((e) => !('properties' in e)), 'an event without properties')
})

for (const file of files) {
  test(`run on sample-events/${file}`, async () => {
    const events = JSON.parse(readFileSync(join(SAMPLES, file), 'utf8')) as { uuid: string }[]
    const run = await runCli(['run', plugin('tag-ts'), plugin('drop-filter'), '--events', join(SAMPLES, file), '--json'])
    assert.equal(run.code, 0, run.stderr)
    const report = JSON.parse(run.stdout) as { results: { output: { uuid: string; properties: Record<string, unknown> } | null; error: string | null; droppedBy: string | null }[] }
    assert.equal(report.results.length, events.length)
    report.results.forEach((r, i) => {
      assert.equal(r.error, null)
      if (r.output === null) assert.equal(r.droppedBy, 'drop-filter')
      else {
        assert.equal(r.output.uuid, events[i].uuid)
        assert.equal(r.output.properties.tag, 'tagged')
      }
    })
  })
}

for (const file of ['event-without-properties.json', 'web-autocapture-clicks-and-form.json']) {
  test(`the human report on sample-events/${file}`, async () => {
    const human = await runCli(['run', plugin('tag-ts'), '--events', join(SAMPLES, file)])
    assert.equal(human.code, 0, human.stderr)
    assert.match(human.stdout, /\+ properties\.tag: "tagged"/)
  })
}

test('generated JSON Lines (the throughput generator) run through a pipeline', async () => {
  const out = join(mkdtempSync(join(tmpdir(), 'gen-')), 'events.jsonl')
  execFileSync(process.execPath, [join(REPO, 'scripts', 'generate-events.ts'), '--count', '500', '--seed', '3', '--out', out])
  const run = await runCli(['run', plugin('tag-ts'), plugin('drop-filter'), '--events', out, '--json'])
  assert.equal(run.code, 0, run.stderr)
  const report = JSON.parse(run.stdout) as { results: { output: unknown; error: string | null }[] }
  assert.equal(report.results.length, 500)
  assert.ok(report.results.every((r) => r.error === null))
  assert.ok(report.results.some((r) => r.output === null), 'some $pageleave dropped')
})
