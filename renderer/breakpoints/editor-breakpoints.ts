// Breakpoints in the editor: a click in the glyph margin (left of the line numbers) toggles one; a
// right-click there, or the context menu, adds a conditional one or edits the condition; the paused
// line is highlighted. Breakpoints follow their lines while the file is edited (line-tracking.ts)
// and reach the runtime with their new lines once the file is saved.
import { monaco } from '../editor/monaco-setup.ts'
import { isDirty, onDirtyChange, pathOf } from '../editor/models.ts'
import { breakpointAt, debugStore, followLines, removeBreakpoint, setCondition, syncBreakpoints, toggleBreakpoint } from './debug-state.ts'
import { openConditionDialog } from './condition-dialog.ts'
import { followEdit, lineAfterEdit, spanOfLine, type LineSpan } from './line-tracking.ts'

/** The condition dialog for the breakpoint at a line (a new one when there is none). */
function editCondition(file: string, line: number): void {
  openConditionDialog({ file, line, condition: breakpointAt(file, line)?.condition ?? '' }, (condition) => setCondition(file, line, condition))
}

/** Wires breakpoints into the editor; returns the cleanup. */
export function attachBreakpoints(editor: monaco.editor.IStandaloneCodeEditor): () => void {
  editor.updateOptions({ glyphMargin: true })
  const decorations = editor.createDecorationsCollection([])
  const fileOf = () => {
    const model = editor.getModel()
    return model ? pathOf(model.uri) : null
  }

  // The current model's breakpoints, in the order of their tracking decorations (the first ones).
  let tracked: { line: number; span: LineSpan }[] = []
  // Files whose breakpoints moved in unsaved text: sent to the backend when the file is saved.
  const unsynced = new Set<string>()

  const render = () => {
    const file = fileOf()
    const model = editor.getModel()
    if (!file || !model) {
      tracked = []
      return decorations.clear()
    }
    const { breakpoints, paused, frame } = debugStore.get()
    const mine = breakpoints.filter((b) => b.file === file)
    const lineCount = model.getLineCount()
    tracked = mine.filter((b) => b.line <= lineCount).map((b) => ({ line: b.line, span: spanOfLine(b.line, lineCount, model.getLineMaxColumn(b.line)) }))
    // Invisible, over the line and its line break: where the line goes when text changes around it.
    const tracking = tracked.map(({ span }) => ({
      range: new monaco.Range(span.startLineNumber, span.startColumn, span.endLineNumber, span.endColumn),
      options: { description: 'breakpoint-line', stickiness: monaco.editor.TrackedRangeStickiness.NeverGrowsWhenTypingAtEdges },
    }))
    const list: monaco.editor.IModelDeltaDecoration[] = mine.map((b) => ({
      range: new monaco.Range(b.line, 1, b.line, 1),
      options: {
        glyphMarginClassName: `breakpoint-glyph${b.condition ? ' conditional' : ''}${b.verified ? '' : ' unverified'}`,
        glyphMarginHoverMessage: { value: b.condition ? `Breakpoint when \`${b.condition}\`` : 'Breakpoint (click to remove)' },
      },
    }))
    const at = paused?.callFrames[frame]
    if (at && at.file === file) {
      list.push({
        range: new monaco.Range(at.line, 1, at.line, 1),
        options: { isWholeLine: true, className: 'paused-line', glyphMarginClassName: 'paused-glyph', stickiness: monaco.editor.TrackedRangeStickiness.NeverGrowsWhenTypingAtEdges },
      })
    }
    decorations.set([...tracking, ...list])
  }

  const onEdit = editor.onDidChangeModelContent((e) => {
    const file = fileOf()
    const model = editor.getModel()
    if (!file || !model || tracked.length === 0) return
    // The text replaced as a whole (read again from disk): the lines stay as they were.
    const whole = e.changes.length === 1 && e.changes[0].rangeOffset === 0 && e.changes[0].rangeLength > 0 && model.getValueLength() === e.changes[0].text.length
    if (e.isFlush || whole) return render()
    const moves = new Map(tracked.map((t, i) => [t.line, lineAfterEdit(t.span, decorations.getRange(i))]))
    const next = followEdit(debugStore.get().breakpoints, file, moves)
    if (!next) return
    followLines(next)
    if (isDirty(file)) unsynced.add(file)
    else void syncBreakpoints()
  })
  const offDirty = onDirtyChange((path, dirty) => {
    if (!dirty && unsynced.delete(path)) void syncBreakpoints()
  })

  const onMouse = editor.onMouseDown((e) => {
    const type = e.target.type
    if (type !== monaco.editor.MouseTargetType.GUTTER_GLYPH_MARGIN && type !== monaco.editor.MouseTargetType.GUTTER_LINE_DECORATIONS) return
    if (!e.event.leftButton) return
    const file = fileOf()
    const line = e.target.position?.lineNumber
    if (file && line) void toggleBreakpoint(file, line)
  })

  // Monaco's own context menu is for the text only: a right-click in the gutter edits that line's condition.
  const onGutterMenu = editor.onContextMenu((e) => {
    const type = e.target.type
    if (type !== monaco.editor.MouseTargetType.GUTTER_GLYPH_MARGIN && type !== monaco.editor.MouseTargetType.GUTTER_LINE_DECORATIONS && type !== monaco.editor.MouseTargetType.GUTTER_LINE_NUMBERS) return
    const file = fileOf()
    const line = e.target.position?.lineNumber
    if (!file || !line) return
    e.event.preventDefault()
    editCondition(file, line)
  })

  const conditional = editor.addAction({
    id: 'plugin-studio.conditional-breakpoint',
    label: 'Add or edit a conditional breakpoint…',
    contextMenuGroupId: 'navigation',
    contextMenuOrder: 0,
    run: (ed) => {
      const file = fileOf()
      const line = ed.getPosition()?.lineNumber
      if (!file || !line) return
      editCondition(file, line)
    },
  })
  const remove = editor.addAction({
    id: 'plugin-studio.remove-breakpoint',
    label: 'Remove breakpoint',
    contextMenuGroupId: 'navigation',
    contextMenuOrder: 1,
    precondition: undefined,
    run: (ed) => {
      const file = fileOf()
      const line = ed.getPosition()?.lineNumber
      if (file && line && breakpointAt(file, line)) void removeBreakpoint(file, line)
    },
  })

  const offStore = debugStore.subscribe(render)
  const onModel = editor.onDidChangeModel(render)
  render()
  return () => {
    offStore()
    onModel.dispose()
    onMouse.dispose()
    onGutterMenu.dispose()
    onEdit.dispose()
    offDirty()
    conditional.dispose()
    remove.dispose()
    decorations.clear()
  }
}
