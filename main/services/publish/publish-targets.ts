// Where each plugin was published last, so the Publish dialog opens on the same target:
// `<workspace>/.plugin-studio/publish.json`. Only the target, the npm registry URL, the PostHog
// host and project id are kept — never a token or key (those live in the keychain). In the
// workspace rather than the browser's localStorage, because browser mode is served on a new port
// (a new origin, an empty localStorage) at each launch.
//
// {"plugins": {"<plugin id>": {"target": "posthog", "host": "https://posthog.example.com", "projectId": 2}}}
import path from 'node:path'
import { mkdir, readFile } from 'node:fs/promises'
import { writeFileAtomic } from '../workspace/atomic-write.ts'
import { STUDIO_FOLDER } from '../settings/settings-store.ts'

export const PUBLISH_TARGETS_FILE = `${STUDIO_FOLDER}/publish.json`

export interface PublishDefaults {
  target?: 'npm' | 'posthog'
  registry?: string
  host?: string
  projectId?: number
}

/** Keeps only the known fields with the right types: whatever else is in the file is dropped. */
export function cleanDefaults(raw: unknown): PublishDefaults {
  const out: PublishDefaults = {}
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return out
  const r = raw as Record<string, unknown>
  if (r.target === 'npm' || r.target === 'posthog') out.target = r.target
  if (typeof r.registry === 'string' && /^https?:\/\//.test(r.registry) && r.registry.length <= 2048) out.registry = r.registry
  if (typeof r.host === 'string' && /^https?:\/\//.test(r.host) && r.host.length <= 2048) out.host = r.host
  if (typeof r.projectId === 'number' && Number.isSafeInteger(r.projectId) && r.projectId > 0) out.projectId = r.projectId
  return out
}

export class PublishTargets {
  readonly file: string
  #queue: Promise<unknown> = Promise.resolve()

  constructor(workspaceDir: string) {
    this.file = path.join(workspaceDir, ...PUBLISH_TARGETS_FILE.split('/'))
  }

  /** The plugin's last target; {} when there is none or the file is unreadable (it is only a convenience). */
  async get(plugin: string): Promise<PublishDefaults> {
    const doc = await this.#read()
    return cleanDefaults(Object.hasOwn(doc, plugin) ? doc[plugin] : undefined)
  }

  /** Records a successful publish: the target and its where, merged over what the plugin had. */
  remember(plugin: string, update: PublishDefaults): Promise<void> {
    const next = this.#queue.then(async () => {
      const doc = await this.#read()
      doc[plugin] = cleanDefaults({ ...cleanDefaults(Object.hasOwn(doc, plugin) ? doc[plugin] : undefined), ...cleanDefaults(update) })
      await mkdir(path.dirname(this.file), { recursive: true })
      await writeFileAtomic(this.file, `${JSON.stringify({ plugins: doc }, null, 2)}\n`)
    })
    this.#queue = next.catch(() => undefined)
    return next
  }

  async #read(): Promise<Record<string, unknown>> {
    try {
      const plugins = (JSON.parse(await readFile(this.file, 'utf8')) as { plugins?: unknown } | null)?.plugins
      if (plugins && typeof plugins === 'object' && !Array.isArray(plugins)) return Object.assign(Object.create(null) as Record<string, unknown>, plugins)
    } catch {}
    return Object.create(null) as Record<string, unknown>
  }
}
