// The configuration being edited in the form, and what saving it sends to the backend.
import type { ConfigField } from '../../common/plugin/plugin-json.ts'
import type { AttachmentInfo } from '../../common/plugin/rules.ts'
import type { ConfigAttachmentUpload, ConfigPatch, PluginConfigState } from '../../common/protocol/studio.ts'

export interface ConfigDraft {
  values: Record<string, string>
  attachments: Record<string, AttachmentInfo | undefined>
  savedSecrets: string[]
  /** Attachments chosen in the form and not stored yet (null = removed). */
  files: Record<string, File | null>
}

/** The stored config as the form wants it. */
export function draftFromConfig(config: PluginConfigState): ConfigDraft {
  return { values: { ...config.values }, attachments: { ...config.attachments }, savedSecrets: [...config.savedSecrets], files: {} }
}

const keysOf = (fields: ConfigField[], pick: (field: ConfigField) => boolean) =>
  new Set(fields.filter((f) => f.key && pick(f)).map((f) => f.key as string))

/**
 * What changed against the stored config. Secret values typed into the form go along (the backend
 * keeps them out of workspace files); a secret the user reset and left empty is cleared. `uploads`:
 * attachments picked (or removed, null) in the form.
 */
export function configPatch(
  stored: PluginConfigState,
  draft: ConfigDraft,
  fields: ConfigField[],
  uploads: Record<string, ConfigAttachmentUpload | null>,
): ConfigPatch {
  const patch: ConfigPatch = {}
  const secretKeys = keysOf(fields, (f) => !!f.secret)
  const attachmentKeys = keysOf(fields, (f) => f.type === 'attachment')
  for (const [key, value] of Object.entries(draft.values)) {
    if (attachmentKeys.has(key)) continue
    if (secretKeys.has(key)) {
      if (value !== '' && !draft.savedSecrets.includes(key)) patch[key] = value
    } else if (stored.values[key] !== value) patch[key] = value
  }
  for (const key of Object.keys(stored.values)) {
    if (!attachmentKeys.has(key) && !secretKeys.has(key) && !(key in draft.values)) patch[key] = null
  }
  for (const key of stored.savedSecrets) {
    if (!draft.savedSecrets.includes(key) && !draft.values[key]) patch[key] = null
  }
  Object.assign(patch, uploads)
  return patch
}

/**
 * The part of the patch that is saved as the user types: plain values (no secrets, no attachments),
 * and JSON fields only while their text parses (or is empty).
 */
export function valuesPatch(stored: PluginConfigState, draft: ConfigDraft, fields: ConfigField[]): ConfigPatch {
  const secretKeys = keysOf(fields, (f) => !!f.secret)
  const attachmentKeys = keysOf(fields, (f) => f.type === 'attachment')
  const jsonKeys = keysOf(fields, (f) => f.type === 'json')
  const patch: ConfigPatch = {}
  for (const [key, value] of Object.entries(configPatch(stored, draft, fields, {}))) {
    if (secretKeys.has(key) || attachmentKeys.has(key)) continue
    if (jsonKeys.has(key) && typeof value === 'string' && !parsesOrEmpty(value)) continue
    patch[key] = value
  }
  return patch
}

function parsesOrEmpty(text: string): boolean {
  if (text.trim() === '') return true
  try {
    JSON.parse(text)
    return true
  } catch {
    return false
  }
}

/**
 * The draft after the stored config changed from `before` to `after` (a save here, or a reload):
 * what the user changed against `before` and has not stored yet stays; the rest follows `after`.
 * A secret that has just been stored drops its typed value (it shows masked from now on).
 */
export function rebaseDraft(draft: ConfigDraft, before: PluginConfigState, after: PluginConfigState): ConfigDraft {
  const values: Record<string, string> = { ...after.values }
  for (const key of new Set([...Object.keys(draft.values), ...Object.keys(before.values)])) {
    const mine = draft.values[key]
    if (mine === before.values[key]) continue
    if (mine === undefined) delete values[key]
    else values[key] = mine
  }
  const newlySaved = after.savedSecrets.filter((key) => !before.savedSecrets.includes(key))
  for (const key of newlySaved) if (!(key in after.values)) delete values[key]
  const resetHere = before.savedSecrets.filter((key) => !draft.savedSecrets.includes(key))
  const attachments: Record<string, AttachmentInfo | undefined> = { ...after.attachments }
  for (const key of Object.keys(draft.files)) attachments[key] = draft.attachments[key]
  return {
    values,
    attachments,
    savedSecrets: after.savedSecrets.filter((key) => !resetHere.includes(key) && !(key in draft.files)),
    files: { ...draft.files },
  }
}

/**
 * The draft once the attachments in `sent` are stored (`config` is the stored config after the save):
 * a file still the one that was sent is no longer pending, and the stored description replaces it.
 */
export function settleUploads(draft: ConfigDraft, sent: Record<string, File | null>, config: PluginConfigState): ConfigDraft {
  const files = { ...draft.files }
  const attachments = { ...draft.attachments }
  let savedSecrets = draft.savedSecrets
  for (const [key, file] of Object.entries(sent)) {
    if (files[key] !== file) continue
    delete files[key]
    attachments[key] = config.attachments[key]
    if (config.savedSecrets.includes(key) && !savedSecrets.includes(key)) savedSecrets = [...savedSecrets, key]
  }
  return { ...draft, files, attachments, savedSecrets }
}

/** A picked file as the backend stores it: name, content type and bytes in base64 (binary-safe). */
export async function uploadOf(file: File): Promise<ConfigAttachmentUpload> {
  return { file_name: file.name, content_type: file.type || 'application/octet-stream', contentsBase64: base64Of(new Uint8Array(await file.arrayBuffer())) }
}

const CHUNK = 0x8000

export function base64Of(bytes: Uint8Array): string {
  let binary = ''
  for (let i = 0; i < bytes.length; i += CHUNK) binary += String.fromCharCode(...bytes.subarray(i, i + CHUNK))
  return btoa(binary)
}
