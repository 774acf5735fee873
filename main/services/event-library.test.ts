// The Debugger's event files through the library: paging with a total, imports into events/, edits
// of workspace files (atomic, through the workspace), samples read-only and duplicated on request.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import path from 'node:path'
import os from 'node:os'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { EventLibrary } from './event-library.ts'
import { Workspace } from './workspace/workspace.ts'

const SAMPLES = path.join(import.meta.dirname, '..', '..', 'sample-events')

async function setup(t: { after(fn: () => Promise<void>): void }) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'event-library-'))
  const workspace = await Workspace.open(dir)
  t.after(async () => {
    workspace.close()
    await rm(dir, { recursive: true, force: true })
  })
  return { dir, library: new EventLibrary(workspace, SAMPLES) }
}

test('a workspace file is read a page at a time, with its total and its bad lines', async (t) => {
  const { dir, library } = await setup(t)
  await mkdir(path.join(dir, 'events'))
  const lines = Array.from({ length: 1000 }, (_, i) => JSON.stringify({ event: `e${i}`, distinct_id: `d${i}` }))
  lines.splice(10, 0, '{not json')
  await writeFile(path.join(dir, 'events', 'many.jsonl'), lines.join('\n'))
  const page = await library.read('workspace:events/many.jsonl', { offset: 990, limit: 50 })
  assert.equal(page.total, 1000)
  assert.equal(page.offset, 990)
  assert.deepEqual(page.events.map((e) => e.event), Array.from({ length: 10 }, (_, i) => `e${990 + i}`))
  assert.deepEqual(page.problems.map((p) => p.line), [11])
  // Without a page: every event, as before.
  assert.equal((await library.read('workspace:events/many.jsonl')).events.length, 1000)
  // The file changed on disk: read again.
  await writeFile(path.join(dir, 'events', 'many.jsonl'), lines.slice(0, 3).join('\n'))
  assert.equal((await library.read('workspace:events/many.jsonl', { limit: 1 })).total, 3)
  await assert.rejects(library.read('workspace:plugin/index.ts'), /not an event file/)
})

test('imports become JSON Lines in events/ under a free name; bad rows are reported', async (t) => {
  const { dir, library } = await setup(t)
  const csv = 'event,distinct_id,properties.plan\nsigned up,u1,pro\n,u2,free\n'
  const first = await library.import({ fileName: 'export.csv', text: csv })
  assert.equal(first.file.path, 'events/export.jsonl')
  assert.equal(first.imported, 1)
  assert.equal(first.format, 'csv')
  assert.deepEqual(first.problems.map((p) => p.line), [3])
  assert.equal(await readFile(path.join(dir, 'events', 'export.jsonl'), 'utf8'), '{"event":"signed up","distinct_id":"u1","properties":{"plan":"pro"}}\n')
  const second = await library.import({ fileName: 'export.csv', text: csv })
  assert.equal(second.file.path, 'events/export-2.jsonl')
  await assert.rejects(library.import({ fileName: 'empty.jsonl', text: '{oops\n' }), /no events to import \(line 1: not valid JSON/)
})

test('samples are read-only; duplicated, they can be edited in the workspace', async (t) => {
  const { dir, library } = await setup(t)
  const id = 'sample:web-pageview-with-utm.json'
  const sample = await library.read(id)
  await assert.rejects(library.edit(id, { kind: 'delete', index: 0 }), /read-only/)
  const copy = await library.duplicate(id)
  assert.equal(copy.path, 'events/web-pageview-with-utm.json')
  const { total } = await library.edit(copy.id, { kind: 'insert', index: 0, event: { ...sample.events[0], event: 'added' } })
  assert.equal(total, sample.total + 1)
  const edited = JSON.parse(await readFile(path.join(dir, 'events', 'web-pageview-with-utm.json'), 'utf8'))
  assert.equal(edited[0].event, 'added')
  await library.edit(copy.id, { kind: 'replace', index: 1, event: { ...sample.events[0], event: 'replaced' } })
  assert.equal((await library.read(copy.id, { offset: 1, limit: 1 })).events[0].event, 'replaced')
  assert.equal((await library.edit(copy.id, { kind: 'delete', index: 0 })).total, sample.total)
  await assert.rejects(library.edit(copy.id, { kind: 'replace', index: 0, event: { nope: true } as never }), /no "event" name/)
  const created = await library.create('mine', [{ event: 'one' } as never])
  assert.equal(created.path, 'events/mine.jsonl')
  assert.deepEqual((await library.list()).filter((f) => f.source === 'workspace').map((f) => f.path), ['events/mine.jsonl', 'events/web-pageview-with-utm.json'])
})
