// Source lines ↔ compiled lines through a real esbuild source map (TypeScript whose types shift lines).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { compilePlugin } from '../compile.ts'
import { SourceLines } from './source-lines.ts'

const SOURCE = `interface Shape {
  size: number
}

// a comment line
export function processEvent(event: { event: string }) {
  const shape: Shape = { size: event.event.length }

  return { ...event, size: shape.size }
}
`

test('a source line maps to its compiled line and back; blank and comment lines move down to code', async (t) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'source-lines-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  const file = path.join(dir, 'index.ts')
  await writeFile(file, SOURCE)
  const compiled = await compilePlugin(file, dir)
  const lines = new SourceLines(compiled.map, compiled.file)
  assert.equal(lines.has(file), true)
  assert.equal(lines.has(path.join(dir, 'other.ts')), false)
  const generated = compiled.code.split('\n').slice(1) // line 1 is the wrapper
  const at = lines.generatedFor(file, 7)!
  assert.match(generated[at.line], /const shape = \{ size: event\.event\.length \}/)
  assert.equal(at.sourceLine, 7)
  assert.deepEqual(lines.original(at.line, at.column), { file, line: 7, column: 3 }, 'back to the statement, 1-based')
  assert.equal(lines.original(at.line, 0)?.line, 7, 'a column in the indentation still names the line')
  assert.equal(lines.generatedFor(file, 8)!.sourceLine, 9, 'a blank line moves to the next line with code')
  assert.equal(lines.generatedFor(file, 5)!.sourceLine, 6, 'a comment line too')
  assert.equal(lines.generatedFor(file, 2)!.sourceLine, 6, 'an interface compiles to nothing')
  assert.equal(lines.generatedFor(file, 100), null)
})
