// How a breakpoint follows its line while the file is edited. The editor tracks a decoration over the
// breakpoint's line together with its line break, so an edit above moves it, Enter at the line's
// start carries it down with the code, and deleting the whole line leaves it empty: that breakpoint
// goes. Pure, so it is tested without Monaco.
import type { StudioBreakpoint } from '../../common/protocol/debug.ts'

export interface LineSpan {
  startLineNumber: number
  startColumn: number
  endLineNumber: number
  endColumn: number
}

/** The span tracked for a breakpoint on `line`: up to the next line's start (the last line: its end). */
export function spanOfLine(line: number, lineCount: number, lineEndColumn: number): LineSpan {
  return line < lineCount
    ? { startLineNumber: line, startColumn: 1, endLineNumber: line + 1, endColumn: 1 }
    : { startLineNumber: line, startColumn: 1, endLineNumber: line, endColumn: lineEndColumn }
}

function isEmpty(span: LineSpan): boolean {
  return span.startLineNumber === span.endLineNumber && span.startColumn === span.endColumn
}

/**
 * The line a tracked span marks after an edit, or null when its line was deleted (the span had text
 * and now has none). An empty last line cannot tell: it stays.
 */
export function lineAfterEdit(before: LineSpan, after: LineSpan | null): number | null {
  if (!after) return null
  if (isEmpty(after) && !isEmpty(before)) return null
  return after.startLineNumber
}

/**
 * The breakpoints after an edit of `file`: `moves` maps a breakpoint's line before the edit to its
 * line now (null: deleted). Two that land on one line become one (the first keeps its condition).
 * Null when nothing changed.
 */
export function followEdit(list: readonly StudioBreakpoint[], file: string, moves: ReadonlyMap<number, number | null>): StudioBreakpoint[] | null {
  let changed = false
  const out: StudioBreakpoint[] = []
  for (const b of list) {
    const line = b.file === file && moves.has(b.line) ? (moves.get(b.line) ?? null) : b.line
    if (line !== b.line) changed = true
    if (line === null) continue
    if (b.file === file && out.some((o) => o.file === file && o.line === line)) {
      changed = true
      continue
    }
    out.push(line === b.line ? b : { ...b, line })
  }
  return changed ? out : null
}
