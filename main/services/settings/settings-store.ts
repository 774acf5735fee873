// Settings of one workspace, kept in `<workspace>/.plugin-studio/settings.json` (atomic writes).
// A missing file means the defaults; a broken one is an error naming the file and the problem.
import path from 'node:path'
import { mkdir, readFile } from 'node:fs/promises'
import type { SettingsPatch, StudioSettings } from '../../../common/protocol/studio.ts'
import { writeFileAtomic } from '../workspace/atomic-write.ts'
import { applySettingsPatch, defaultSettings, validateSettings } from './settings-schema.ts'

/** The studio's own folder inside a workspace (settings, non-secret config values). */
export const STUDIO_FOLDER = '.plugin-studio'
export const SETTINGS_FILE = `${STUDIO_FOLDER}/settings.json`

export class SettingsStore {
  readonly file: string
  private cached: StudioSettings | undefined

  constructor(workspaceDir: string) {
    this.file = path.join(workspaceDir, ...SETTINGS_FILE.split('/'))
  }

  /** The settings as stored (read once, then cached until reload()). */
  async get(): Promise<StudioSettings> {
    this.cached ??= await this.read()
    return structuredClone(this.cached)
  }

  /** Re-reads the file (it was edited outside the studio). */
  async reload(): Promise<StudioSettings> {
    this.cached = undefined
    return this.get()
  }

  async update(patch: SettingsPatch): Promise<StudioSettings> {
    const next = applySettingsPatch(await this.get(), patch)
    await mkdir(path.dirname(this.file), { recursive: true })
    await writeFileAtomic(this.file, `${JSON.stringify(next, null, 2)}\n`)
    this.cached = next
    return structuredClone(next)
  }

  private async read(): Promise<StudioSettings> {
    let text: string
    try {
      text = await readFile(this.file, 'utf8')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return defaultSettings()
      throw new Error(`${this.file}: cannot read: ${(error as Error).message}`, { cause: error })
    }
    let raw: unknown
    try {
      raw = JSON.parse(text)
    } catch (error) {
      throw new Error(`${this.file}: not valid JSON: ${(error as Error).message}`, { cause: error })
    }
    try {
      return validateSettings(raw)
    } catch (error) {
      throw new Error(`${this.file}: ${(error as Error).message}`, { cause: error })
    }
  }
}
