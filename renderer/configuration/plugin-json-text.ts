// The live text of the selected plugin's plugin.json (as typed in the editor, saved or not).
import { useEffect, useState } from 'react'
import { getModel } from '../editor/models.ts'
import { monaco } from '../editor/monaco-setup.ts'

export function usePluginJsonText(plugin: string | null): string | null {
  const path = plugin ? `${plugin}/plugin.json` : null
  const [text, setText] = useState<string | null>(() => (path ? (getModel(path)?.getValue() ?? null) : null))
  useEffect(() => {
    if (!path) return setText(null)
    let modelListener: monaco.IDisposable | undefined
    const attach = () => {
      const model = getModel(path)
      modelListener?.dispose()
      modelListener = undefined
      setText(model?.getValue() ?? null)
      if (model) modelListener = model.onDidChangeContent(() => setText(model.getValue()))
    }
    attach()
    // The model may appear (preload) or be replaced (rename, reload) after the pane mounted.
    const added = monaco.editor.onDidCreateModel((model) => model.uri.path === `/${path}` && attach())
    const removed = monaco.editor.onWillDisposeModel((model) => model.uri.path === `/${path}` && setTimeout(attach))
    return () => {
      modelListener?.dispose()
      added.dispose()
      removed.dispose()
    }
  }, [path])
  return text
}
