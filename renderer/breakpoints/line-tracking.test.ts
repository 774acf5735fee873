// Breakpoints following their lines through edits: the spans are what Monaco's decorations become
// after each edit (a line inserted above shifts the span; deleting the line with its break empties it).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { StudioBreakpoint } from '../../common/protocol/debug.ts'
import { followEdit, lineAfterEdit, spanOfLine } from './line-tracking.ts'

const FILE = 'p/index.ts'
const span = (startLineNumber: number, startColumn: number, endLineNumber: number, endColumn: number) => ({ startLineNumber, startColumn, endLineNumber, endColumn })

test('a breakpoint line is tracked with its line break, the last line up to its end', () => {
  assert.deepEqual(spanOfLine(7, 12, 20), span(7, 1, 8, 1))
  assert.deepEqual(spanOfLine(12, 12, 20), span(12, 1, 12, 20))
})

test('a line inserted above moves the breakpoint down to where its code went', () => {
  const before = spanOfLine(7, 12, 20)
  const line = lineAfterEdit(before, span(8, 1, 9, 1))
  assert.equal(line, 8)
  const list: StudioBreakpoint[] = [{ file: FILE, line: 7, condition: 'x > 1' }, { file: 'other/index.ts', line: 7 }]
  assert.deepEqual(followEdit(list, FILE, new Map([[7, line]])), [{ file: FILE, line: 8, condition: 'x > 1' }, { file: 'other/index.ts', line: 7 }])
})

test('deleting the breakpoint line removes the breakpoint; emptying its text keeps it', () => {
  const before = spanOfLine(7, 12, 20)
  assert.equal(lineAfterEdit(before, span(7, 1, 7, 1)), null, 'the line and its break were deleted')
  assert.equal(lineAfterEdit(before, null), null)
  assert.equal(lineAfterEdit(before, span(7, 1, 8, 1)), 7, 'only the text was deleted: the line is still there')
  assert.deepEqual(followEdit([{ file: FILE, line: 7 }, { file: FILE, line: 9 }], FILE, new Map([[7, null], [9, 8]])), [{ file: FILE, line: 8 }])
})

test('the last line deleted goes too; an empty last line cannot tell and stays', () => {
  assert.equal(lineAfterEdit(spanOfLine(12, 12, 5), span(11, 30, 11, 30)), null)
  assert.equal(lineAfterEdit(spanOfLine(12, 12, 1), span(11, 30, 11, 30)), 11)
})

test('two breakpoints joined onto one line become one, the first keeping its condition', () => {
  const list: StudioBreakpoint[] = [{ file: FILE, line: 3, condition: 'a' }, { file: FILE, line: 4 }]
  assert.deepEqual(followEdit(list, FILE, new Map([[3, 3], [4, 3]])), [{ file: FILE, line: 3, condition: 'a' }])
  // One moved onto a breakpoint the edit did not touch.
  assert.deepEqual(followEdit([{ file: FILE, line: 5 }, { file: FILE, line: 2 }], FILE, new Map([[5, 2]])), [{ file: FILE, line: 2 }])
})

test('an edit that moves nothing changes nothing', () => {
  const list: StudioBreakpoint[] = [{ file: FILE, line: 3 }]
  assert.equal(followEdit(list, FILE, new Map([[3, 3]])), null)
  assert.equal(followEdit(list, FILE, new Map()), null)
})
