// Plugin templates: each is a folder under files/<id>/ with a shared plugin.json and README.md and
// one subfolder per language (entry + jest test). Files end in `.tpl` so that neither the studio's
// own tsc/eslint/test runner nor anything else treats them as the app's code.
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { mkdir, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises'
import type { PluginLanguage, TemplateId, TemplateInfo } from '../../../common/protocol/studio.ts'

export const TEMPLATE_FILES_DIR = fileURLToPath(new URL('./files/', import.meta.url))

export const TEMPLATES: readonly TemplateInfo[] = [
  { id: 'enrichment', title: 'Event enrichment', description: 'processEvent adds properties to every event.', languages: ['ts', 'js'] },
  { id: 'filter', title: 'Filter', description: 'processEvent drops events by name or by user (returns null).', languages: ['ts', 'js'] },
  { id: 'exporter', title: 'Exporter', description: 'exportEvents sends batches of events to a webhook, retrying when it is down.', languages: ['ts', 'js'] },
  { id: 'scheduled', title: 'Scheduled task', description: 'runEveryMinute fetches a URL; processEvent adds the result to events.', languages: ['ts', 'js'] },
]

/** The default workspace's first plugin; not offered in "New plugin". */
export const HELLO_WORLD_TEMPLATE = 'hello-world'

export interface TemplateRequest {
  template: TemplateId | typeof HELLO_WORLD_TEMPLATE
  language: PluginLanguage
  name: string
  description?: string
}

const PLACEHOLDER = /\{\{(\w+)\}\}/g

/** `My Plugin!` → `my-plugin`; the folder and package name of a new plugin. */
export function slugify(name: string): string {
  const slug = name
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
  return slug || 'plugin'
}

function checkRequest(request: TemplateRequest): void {
  const known = request.template === HELLO_WORLD_TEMPLATE || TEMPLATES.some((t) => t.id === request.template)
  if (!known) throw new Error(`Unknown template "${request.template}"; choose one of ${TEMPLATES.map((t) => t.id).join(', ')}`)
  if (request.language !== 'ts' && request.language !== 'js') throw new Error(`Unknown language "${request.language}"; choose ts or js`)
  if (request.template === HELLO_WORLD_TEMPLATE && request.language !== 'ts') throw new Error('The hello-world template is TypeScript only')
  if (typeof request.name !== 'string' || request.name.trim() === '' || request.name.length > 100) throw new Error('A plugin name of 1..100 characters is required')
}

/** The files of a plugin made from a template, as `relative path → content`. */
export async function renderTemplate(request: TemplateRequest, filesDir = TEMPLATE_FILES_DIR): Promise<Map<string, string>> {
  checkRequest(request)
  const { template, language } = request
  const entry = `index.${language}`
  const test = `index.test.${language}`
  const slug = slugify(request.name)
  const values: Record<string, string> = {
    name: request.name.trim(),
    description: (request.description ?? TEMPLATES.find((t) => t.id === template)?.description ?? 'A PostHog plugin.').trim(),
    entry,
    test,
    packageName: slug.startsWith('posthog-') ? slug : `posthog-${slug}`,
  }
  const fill = (text: string, json: boolean) =>
    text.replace(PLACEHOLDER, (whole, key: string) => {
      if (!(key in values)) return whole
      // Inside JSON files a value must stay a valid JSON string.
      return json ? JSON.stringify(values[key]).slice(1, -1) : values[key]
    })
  const read = (relative: string) => readFile(path.join(filesDir, relative), 'utf8')
  const files = new Map<string, string>()
  files.set('plugin.json', fill(await read(`${template}/plugin.json.tpl`), true))
  files.set('README.md', fill(await read(`${template}/README.md.tpl`), false))
  files.set('package.json', fill(await read(`package.${language}.json.tpl`), true))
  if (language === 'ts') files.set('tsconfig.json', await read('tsconfig.json.tpl'))
  for (const name of await readdir(path.join(filesDir, template, language))) {
    if (name.endsWith('.tpl')) files.set(name.slice(0, -'.tpl'.length), fill(await read(`${template}/${language}/${name}`), false))
  }
  return files
}

/**
 * Writes a new plugin folder at `targetDir` (which must not exist). The files are written to a
 * temporary folder beside it first and moved into place at once, so a failure leaves nothing behind.
 */
export async function writeTemplate(targetDir: string, request: TemplateRequest, filesDir = TEMPLATE_FILES_DIR): Promise<string[]> {
  const files = await renderTemplate(request, filesDir)
  if (await stat(targetDir).then(() => true, () => false)) throw new Error(`${targetDir} already exists`)
  const parent = path.dirname(targetDir)
  await mkdir(parent, { recursive: true })
  const staging = path.join(parent, `.plugin-studio-tmp-${path.basename(targetDir)}-${process.pid}-${Date.now()}`)
  try {
    await mkdir(staging)
    for (const [name, content] of files) await writeFile(path.join(staging, name), content)
    await rename(staging, targetDir)
  } catch (error) {
    await rm(staging, { recursive: true, force: true })
    throw error
  }
  return [...files.keys()].sort()
}
