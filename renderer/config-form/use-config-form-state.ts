// The state ConfigForm is controlled by, for an app (or a test page) that keeps it in React: values,
// attachment descriptions, stored secrets. "save" moves typed secret values out of the values and
// marks them stored, as the backend does when it writes them to the keychain.
import { useCallback, useState } from 'react'
import type { ConfigField } from '../../common/plugin/plugin-json.ts'
import type { AttachmentInfo } from '../../common/plugin/rules.ts'
import { splitSecrets } from '../../common/plugin/rules.ts'

export interface ConfigFormState {
  values: Record<string, string>
  attachments: Record<string, AttachmentInfo | undefined>
  savedSecrets: string[]
}

export function useConfigFormState(initial: Partial<ConfigFormState> = {}) {
  const [state, setState] = useState<ConfigFormState>({ values: {}, attachments: {}, savedSecrets: [], ...initial })
  const setValues = useCallback((values: Record<string, string>) => setState((s) => ({ ...s, values })), [])
  const setAttachment = useCallback((key: string, file: File | null) => {
    setState((s) => ({
      ...s,
      attachments: { ...s.attachments, [key]: file ? { file_name: file.name, content_type: file.type || 'application/octet-stream', size: file.size } : undefined },
      savedSecrets: s.savedSecrets.filter((k) => k !== key),
    }))
  }, [])
  const resetSecret = useCallback((key: string) => setState((s) => ({ ...s, savedSecrets: s.savedSecrets.filter((k) => k !== key) })), [])
  /** Marks the secret fields that have a value as stored and drops their values; returns what is to be stored. */
  const saveSecrets = useCallback(
    (fields: ConfigField[]): Record<string, string> => {
      const { plain, secret } = splitSecrets(fields, state.values)
      const stored = Object.fromEntries(Object.entries(secret).filter(([, v]) => v !== ''))
      const secretAttachments = fields.filter((f) => f.secret && f.type === 'attachment' && f.key && state.attachments[f.key]).map((f) => f.key as string)
      const values = { ...plain }
      for (const [key, value] of Object.entries(secret)) if (value === '') values[key] = value
      setState({ ...state, values, savedSecrets: [...new Set([...state.savedSecrets, ...Object.keys(stored), ...secretAttachments])] })
      return stored
    },
    [state],
  )
  return { ...state, setValues, setAttachment, resetSecret, saveSecrets }
}
