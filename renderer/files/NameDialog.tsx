// Asks for a file name or path (new file, rename), with the problem shown inline.
import { useRef, useState } from 'react'
import { Dialog } from '../layout/Dialog.tsx'
import { errorText } from '../state/studio-state.ts'

interface Props {
  title: string
  label: string
  initial: string
  submitLabel: string
  /** Throws to keep the dialog open with the error shown. */
  onSubmit(value: string): Promise<void>
  onClose(): void
}

export function NameDialog({ title, label, initial, submitLabel, onSubmit, onClose }: Props) {
  const [value, setValue] = useState(initial)
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const preselected = useRef(false)
  const submit = async () => {
    const name = value.trim()
    if (!name) return setError('Enter a name.')
    if (name.split('/').some((part) => part === '..' || part === '.')) return setError('Use a path inside the plugin folder.')
    setBusy(true)
    try {
      await onSubmit(name)
      onClose()
    } catch (e) {
      setError(errorText(e))
      setBusy(false)
    }
  }
  return (
    <Dialog
      title={title}
      onClose={onClose}
      onSubmit={() => void submit()}
      footer={
        <>
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={busy}>
            {submitLabel}
          </button>
        </>
      }
    >
      <label className="field">
        <span>{label}</span>
        <input
          autoFocus
          value={value}
          spellCheck={false}
          onChange={(e) => {
            setValue(e.target.value)
            setError(null)
          }}
          onFocus={(e) => {
            // On first focus, select the name without its extension, as file managers do.
            if (preselected.current) return
            preselected.current = true
            const dot = e.target.value.lastIndexOf('.')
            const slash = e.target.value.lastIndexOf('/')
            e.target.setSelectionRange(slash + 1, dot > slash + 1 ? dot : e.target.value.length)
          }}
        />
      </label>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
    </Dialog>
  )
}
