// Edit or add one event: Monaco (the app's setup, JSON mode) in a dialog, checked as you type —
// JSON syntax and the event's shape, each problem with its line — saved into the workspace file.
import { useEffect, useRef, useState } from 'react'
import type { PluginEvent } from '../../common/plugin/event.ts'
import { Dialog } from '../layout/Dialog.tsx'
import { monaco, setupMonaco } from '../editor/monaco-setup.ts'
import { useStore } from '../state/store.ts'
import { errorText } from '../state/studio-state.ts'
import { debuggerStore } from './debugger-store.ts'
import { saveEditedEvent } from './event-file-actions.ts'
import { checkEventText, type EventTextProblem } from './event-json.ts'

let nextModel = 1

export function EventEditorDialog() {
  const editing = useStore(debuggerStore, (s) => s.editing)
  const host = useRef<HTMLDivElement>(null)
  const editorRef = useRef<ReturnType<typeof monaco.editor.create> | null>(null)
  const [problems, setProblems] = useState<EventTextProblem[]>([])
  const [saving, setSaving] = useState(false)
  const [saveError, setSaveError] = useState<string | null>(null)

  useEffect(() => {
    if (!editing || !host.current) return
    setupMonaco()
    const model = monaco.editor.createModel(JSON.stringify(editing.event, null, 2), 'json', monaco.Uri.parse(`inmemory://event-editor/event-${nextModel++}.json`))
    const editor = monaco.editor.create(host.current, {
      model,
      theme: 'studio-dark',
      automaticLayout: true,
      fontSize: 12.5,
      lineHeight: 19,
      minimap: { enabled: false },
      scrollBeyondLastLine: false,
      tabSize: 2,
      fixedOverflowWidgets: true,
      ariaLabel: 'Event JSON',
    })
    editorRef.current = editor
    const check = () => {
      const result = checkEventText(model.getValue())
      const found = result.ok ? [] : result.problems
      setProblems(found)
      monaco.editor.setModelMarkers(
        model,
        'event-check',
        found.map((p) => ({ severity: monaco.MarkerSeverity.Error, message: p.message, startLineNumber: p.line, startColumn: p.column, endLineNumber: p.line, endColumn: p.column + 1 })),
      )
    }
    check()
    const listener = model.onDidChangeContent(check)
    editor.focus()
    return () => {
      listener.dispose()
      editor.dispose()
      model.dispose()
      editorRef.current = null
    }
  }, [editing])

  if (!editing) return null
  const close = () => debuggerStore.set({ editing: null })
  const save = async () => {
    const text = editorRef.current?.getModel()?.getValue() ?? ''
    const result = checkEventText(text)
    if (!result.ok) return setProblems(result.problems)
    setSaving(true)
    setSaveError(null)
    try {
      await saveEditedEvent(editing.mode, editing.index, result.event as PluginEvent)
      close()
    } catch (error) {
      setSaveError(errorText(error))
    } finally {
      setSaving(false)
    }
  }
  return (
    <Dialog
      title={editing.mode === 'edit' ? `Edit event ${editing.index + 1}` : `New event ${editing.index + 1}`}
      onClose={close}
      onSubmit={() => void save()}
      wide
      footer={
        <>
          <button type="button" onClick={close}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={saving || problems.length > 0}>
            Save event
          </button>
        </>
      }
    >
      <div ref={host} className="event-editor" />
      {problems.length > 0 && (
        <ul className="event-problems" aria-label="Event problems">
          {problems.map((p, i) => (
            <li key={i}>
              Line {p.line}, column {p.column}: {p.message}
            </li>
          ))}
        </ul>
      )}
      {saveError && (
        <p className="event-problems" role="alert">
          {saveError}
        </p>
      )}
    </Dialog>
  )
}
