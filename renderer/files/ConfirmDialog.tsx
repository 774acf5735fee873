// Asks before something that cannot be undone.
import { useState } from 'react'
import { Dialog } from '../layout/Dialog.tsx'
import { errorText } from '../state/studio-state.ts'

interface Props {
  title: string
  message: string
  confirmLabel: string
  onConfirm(): Promise<void>
  onClose(): void
}

export function ConfirmDialog({ title, message, confirmLabel, onConfirm, onClose }: Props) {
  const [error, setError] = useState<string | null>(null)
  return (
    <Dialog
      title={title}
      onClose={onClose}
      onSubmit={() =>
        void onConfirm().then(onClose, (e) => setError(errorText(e)))
      }
      footer={
        <>
          <button type="button" onClick={onClose} autoFocus>
            Cancel
          </button>
          <button type="submit" className="danger">
            {confirmLabel}
          </button>
        </>
      }
    >
      <p>{message}</p>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
    </Dialog>
  )
}
