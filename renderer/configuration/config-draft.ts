// The configuration being edited in the form, and what saving it sends to the backend.
import type { ConfigField } from '../../common/plugin/plugin-json.ts'
import type { AttachmentInfo } from '../../common/plugin/rules.ts'
import type { ConfigPatch, FileEntry, PluginConfigState } from '../../common/protocol/studio.ts'

export interface ConfigDraft {
  values: Record<string, string>
  attachments: Record<string, AttachmentInfo | undefined>
  savedSecrets: string[]
  /** Attachments chosen in the form and not stored yet (null = removed). */
  files: Record<string, File | null>
}

const baseName = (path: string) => path.slice(path.lastIndexOf('/') + 1)

/** The stored config as the form wants it: attachment fields (stored as workspace paths) described, not valued. */
export function draftFromConfig(config: PluginConfigState, fields: ConfigField[], files: FileEntry[]): ConfigDraft {
  const attachmentKeys = new Set(fields.filter((f) => f.type === 'attachment' && f.key).map((f) => f.key as string))
  const values: Record<string, string> = {}
  const attachments: Record<string, AttachmentInfo | undefined> = {}
  for (const [key, value] of Object.entries(config.values)) {
    if (!attachmentKeys.has(key)) values[key] = value
    else if (value) attachments[key] = { file_name: baseName(value), content_type: 'application/octet-stream', size: files.find((f) => f.path === value)?.size ?? 0 }
  }
  return { values, attachments, savedSecrets: [...config.secretsSet], files: {} }
}

/**
 * What changed against the stored config. Secret values typed into the form go along (the backend
 * keeps them out of workspace files); a secret the user reset and left empty is cleared.
 */
export function configPatch(stored: PluginConfigState, draft: ConfigDraft, fields: ConfigField[], attachmentPaths: Record<string, string | null>): ConfigPatch {
  const patch: ConfigPatch = {}
  const secretKeys = new Set(fields.filter((f) => f.secret && f.key).map((f) => f.key as string))
  const attachmentKeys = new Set(fields.filter((f) => f.type === 'attachment' && f.key).map((f) => f.key as string))
  for (const [key, value] of Object.entries(draft.values)) {
    if (attachmentKeys.has(key)) continue
    if (secretKeys.has(key)) {
      if (value !== '' && !draft.savedSecrets.includes(key)) patch[key] = value
    } else if (stored.values[key] !== value) patch[key] = value
  }
  for (const key of Object.keys(stored.values)) {
    if (!attachmentKeys.has(key) && !secretKeys.has(key) && !(key in draft.values)) patch[key] = null
  }
  for (const key of stored.secretsSet) {
    if (!draft.savedSecrets.includes(key) && !draft.values[key]) patch[key] = null
  }
  Object.assign(patch, attachmentPaths)
  return patch
}
