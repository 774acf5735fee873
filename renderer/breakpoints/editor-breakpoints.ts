// Breakpoints in the editor: a click in the glyph margin (left of the line numbers) toggles one; the
// context menu adds a conditional one or edits the condition; the paused line is highlighted.
import { monaco } from '../editor/monaco-setup.ts'
import { pathOf } from '../editor/models.ts'
import { breakpointAt, debugStore, removeBreakpoint, setCondition, toggleBreakpoint } from './debug-state.ts'
import { openConditionDialog } from './condition-dialog.ts'

/** Wires breakpoints into the editor; returns the cleanup. */
export function attachBreakpoints(editor: monaco.editor.IStandaloneCodeEditor): () => void {
  editor.updateOptions({ glyphMargin: true })
  const decorations = editor.createDecorationsCollection([])
  const fileOf = () => {
    const model = editor.getModel()
    return model ? pathOf(model.uri) : null
  }

  const render = () => {
    const file = fileOf()
    if (!file) return decorations.clear()
    const { breakpoints, paused, frame } = debugStore.get()
    const list: monaco.editor.IModelDeltaDecoration[] = breakpoints
      .filter((b) => b.file === file)
      .map((b) => ({
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
    decorations.set(list)
  }

  const onMouse = editor.onMouseDown((e) => {
    const type = e.target.type
    if (type !== monaco.editor.MouseTargetType.GUTTER_GLYPH_MARGIN && type !== monaco.editor.MouseTargetType.GUTTER_LINE_DECORATIONS) return
    if (!e.event.leftButton) return
    const file = fileOf()
    const line = e.target.position?.lineNumber
    if (file && line) void toggleBreakpoint(file, line)
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
      openConditionDialog({ file, line, condition: breakpointAt(file, line)?.condition ?? '' }, (condition) => setCondition(file, line, condition))
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
    conditional.dispose()
    remove.dispose()
    decorations.clear()
  }
}
