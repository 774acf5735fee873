// Non-secret attachment files of the config form, one per plugin and field:
// `<workspace>/.plugin-studio/attachments/<plugin>/<key>/<file_name>`, written atomically. The
// description (file name, content type, size) is kept in config.json by the caller.
import path from 'node:path'
import { mkdir, readFile, readdir, rm } from 'node:fs/promises'
import { writeFileAtomic } from '../workspace/atomic-write.ts'
import { STUDIO_FOLDER } from './settings-store.ts'

export const ATTACHMENTS_FOLDER = `${STUDIO_FOLDER}/attachments`
/** The runtime gets attachments in memory; PostHog's own upload limit is far below this. */
export const MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024

export class AttachmentFiles {
  readonly root: string

  constructor(workspaceDir: string) {
    this.root = path.join(workspaceDir, ...ATTACHMENTS_FOLDER.split('/'))
  }

  /** The absolute path the attachment of a plugin's field is stored at. */
  fileOf(plugin: string, key: string, fileName: string): string {
    return path.join(this.folderOf(plugin, key), checkSegment(fileName, 'file name'))
  }

  /** Writes the file atomically, then removes any other file the field held before. */
  async store(plugin: string, key: string, fileName: string, bytes: Uint8Array): Promise<void> {
    const file = this.fileOf(plugin, key, fileName)
    await mkdir(path.dirname(file), { recursive: true })
    await writeFileAtomic(file, bytes)
    for (const name of await readdir(path.dirname(file))) {
      if (name !== path.basename(file)) await rm(path.join(path.dirname(file), name), { recursive: true, force: true })
    }
  }

  async read(plugin: string, key: string, fileName: string): Promise<Buffer> {
    const file = this.fileOf(plugin, key, fileName)
    try {
      return await readFile(file)
    } catch (error) {
      throw new Error(`${plugin}: the stored attachment "${key}" (${fileName}) cannot be read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}. Pick the file again.`, { cause: error })
    }
  }

  /** Removes whatever the field holds (nothing there is fine). */
  async remove(plugin: string, key: string): Promise<void> {
    await rm(this.folderOf(plugin, key), { recursive: true, force: true })
  }

  private folderOf(plugin: string, key: string): string {
    const segments = plugin.split('/').map((segment) => checkSegment(segment, 'plugin id'))
    return path.join(this.root, ...segments, checkSegment(key, 'field key'))
  }
}

/** One path segment: no separators, not `.`/`..`, no control characters, at most 255 bytes. */
export function checkSegment(value: string, what: string): string {
  // eslint-disable-next-line no-control-regex
  const bad = !value || value === '.' || value === '..' || /[/\\\u0000-\u001f]/.test(value) || Buffer.byteLength(value) > 255
  if (bad) throw new Error(`The attachment's ${what} ${JSON.stringify(value.slice(0, 100))} cannot be used as a file name`)
  return value
}

/** A picked file's name as stored: its base name, separators and control characters replaced. */
export function cleanFileName(name: string): string {
  // eslint-disable-next-line no-control-regex
  const base = name.split(/[/\\]/).pop()!.replace(/[\u0000-\u001f]/g, '_').trim()
  if (!base || base === '.' || base === '..') return 'attachment'
  return base.length > 200 ? base.slice(-200) : base
}
