import { test } from 'node:test'
import assert from 'node:assert/strict'
import { firstUserPlace, parseStack, resolvePlace } from './stack-frames.ts'

const context = { workspaceDir: '/home/me/ws', plugin: 'hello', files: ['hello/index.ts', 'hello/lib/util.ts', 'hello/plugin.json', 'other/index.ts'] }

test('V8 frames with absolute paths map to workspace files', () => {
  const stack = [
    'TypeError: Cannot read properties of undefined (reading \'x\')',
    '    at processEvent (/home/me/ws/hello/index.ts:12:7)',
    '    at /home/me/ws/hello/lib/util.ts:3:1',
    '    at runStage (/app/runtime/pipeline.ts:40:5)',
  ].join('\n')
  const frames = parseStack(stack, context)
  assert.equal(frames.length, 3)
  assert.deepEqual(frames[0].place, { path: 'hello/index.ts', line: 12, column: 7 })
  assert.equal(frames[0].fn, 'processEvent')
  assert.deepEqual(frames[1].place, { path: 'hello/lib/util.ts', line: 3, column: 1 })
  assert.equal(frames[1].fn, null)
  assert.equal(frames[2].place, null)
  assert.deepEqual(firstUserPlace(frames), { path: 'hello/index.ts', line: 12, column: 7 })
})

test('plugin-relative and file: URLs resolve inside the plugin', () => {
  assert.equal(resolvePlace('index.ts', context), 'hello/index.ts')
  assert.equal(resolvePlace('./lib/util.ts', context), 'hello/lib/util.ts')
  assert.equal(resolvePlace('file:///home/me/ws/hello/index.ts', context), 'hello/index.ts')
  assert.equal(resolvePlace('/somewhere/else/hello/index.ts', context), 'hello/index.ts')
  assert.equal(resolvePlace('C:\\ws\\hello\\lib\\util.ts', { ...context, workspaceDir: 'D:\\x' }), 'hello/lib/util.ts')
  assert.equal(resolvePlace('node:internal/x.js', context), null)
  assert.equal(resolvePlace('/app/runtime/index.ts', context), null)
})

test('compile errors in esbuild form point at the line', () => {
  const frames = parseStack('index.ts:3:10: ERROR: Expected ";" but found "x"', context)
  assert.deepEqual(frames[0].place, { path: 'hello/index.ts', line: 3, column: 10 })
  const named = parseStack('CompileError: /home/me/ws/hello/index.ts:4:2: Unexpected "}"\n    at compilePlugin (/app/runtime/compile.ts:95:13)', context)
  assert.deepEqual(named.map((f) => f.place), [{ path: 'hello/index.ts', line: 4, column: 2 }, null])
})
