// The code editor: one Monaco instance showing the active file's model, with a tab per open file.
import { useEffect, useRef } from 'react'
import { useStore } from '../state/store.ts'
import { attempt, store } from '../state/studio-state.ts'
import { closeFile, keepMine, reloadFromDisk, saveFile } from '../state/file-actions.ts'
import { monaco, setupMonaco } from './monaco-setup.ts'
import { attachEditor, showModel } from './editor-control.ts'
import { isDirty } from './models.ts'
import { Icon } from '../layout/icons.tsx'
import { attachBreakpoints } from '../breakpoints/editor-breakpoints.ts'

const baseName = (path: string) => path.slice(path.lastIndexOf('/') + 1)

export function EditorPane() {
  const host = useRef<HTMLDivElement>(null)
  const activePath = useStore(store, (s) => s.activePath)
  const openFiles = useStore(store, (s) => s.openFiles)
  const conflict = useStore(store, (s) => (s.activePath && s.conflicts.includes(s.activePath) ? s.activePath : null))

  useEffect(() => {
    setupMonaco()
    const editor = monaco.editor.create(host.current!, {
      model: null,
      theme: 'studio-dark',
      automaticLayout: true,
      fontFamily: 'ui-monospace, "SF Mono", "Cascadia Code", "JetBrains Mono", Menlo, Consolas, "DejaVu Sans Mono", monospace',
      fontSize: 13,
      lineHeight: 20,
      minimap: { enabled: false },
      scrollBeyondLastLine: false,
      tabSize: 2,
      renderLineHighlight: 'all',
      fixedOverflowWidgets: true,
      padding: { top: 8 },
    })
    attachEditor(editor)
    const detachBreakpoints = attachBreakpoints(editor)
    showModel(store.get().activePath)
    return () => {
      detachBreakpoints()
      attachEditor(null)
      editor.dispose()
    }
  }, [])

  useEffect(() => showModel(activePath), [activePath])

  return (
    <section aria-label="Editor" className="pane editor-pane">
      <div className="tabs" role="tablist" aria-label="Open files">
        {openFiles.map((file) => {
          const name = baseName(file.path)
          const ambiguous = openFiles.some((other) => other !== file && baseName(other.path) === name)
          return (
          <div key={file.path} role="tab" aria-selected={file.path === activePath} className={`tab ${file.path === activePath ? 'active' : ''}`} title={file.path}>
            <button type="button" className="tab-label" onClick={() => store.set({ activePath: file.path })}>
              {name}
              {ambiguous && <span className="tab-folder">{file.path.slice(0, file.path.lastIndexOf('/'))}</span>}
              {file.dirty && <span className="dirty-dot" aria-label="unsaved" />}
            </button>
            <button
              type="button"
              className="icon-button tab-close"
              aria-label={`Close ${baseName(file.path)}`}
              onClick={() => {
                if (!isDirty(file.path) || window.confirm(`${file.path} has unsaved changes. Close it anyway?`)) closeFile(file.path)
              }}
            >
              <Icon name="close" />
            </button>
          </div>
          )
        })}
      </div>
      {conflict && (
        <div className="banner warning" role="alert">
          <span>{conflict} changed on disk while you were editing it.</span>
          <button type="button" className="small" onClick={() => attempt(reloadFromDisk(conflict))}>
            Reload from disk
          </button>
          <button type="button" className="small" onClick={() => keepMine(conflict)}>
            Keep my edits
          </button>
          <button type="button" className="small" onClick={() => attempt(saveFile(conflict))}>
            Overwrite with mine
          </button>
        </div>
      )}
      <div className="editor-host" ref={host} data-testid="monaco-host" />
      {!activePath && <p className="empty editor-empty">Open a file from the Files pane.</p>}
    </section>
  )
}
