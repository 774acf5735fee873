// "Save as test": a real run of a two-plugin pipeline (through the runtime process) written as jest
// tests in each plugin's folder; the files pass under real jest in fresh plugin folders made from the
// templates, and fail once a plugin behaves differently. Files are never replaced.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import path from 'node:path'
import os from 'node:os'
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { mkdtemp, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises'
import type { PluginEvent } from '../../common/plugin/event.ts'
import { FILE_EXISTS_ERROR } from '../../common/protocol/run-history.ts'
import { Runner } from './runner/runner.ts'
import { SecretsService } from './secrets/secrets-service.ts'
import { SessionSecretStore } from './secrets/session-store.ts'
import { StudioService } from './studio-service.ts'
import { Workspace } from './workspace/workspace.ts'
import { renderTemplate, writeTemplate } from './templates/templates.ts'

const ROOT = path.join(import.meta.dirname, '..', '..')
const JEST_CACHE = path.join(ROOT, '.cache', 'template-jest')

/** Counts in the cache and storage, keeps a total in global, stamps the clock time, logs, drops bots. */
const ENRICH_TS = `import type { Meta, PluginEvent } from '@posthog/plugin-scaffold'

export function setupPlugin({ global }: Meta) {
  global.total = 0
}

export async function processEvent(event: PluginEvent, { cache, storage, global, config }: Meta) {
  if (event.event === 'bot visit') {
    console.info('dropping', event.distinct_id)
    return null
  }
  global.total += 1
  const seen = await cache.incr('seen:' + event.distinct_id)
  const last = await storage.get('last', 'none')
  await storage.set('last', event.event)
  console.log('seen', { user: event.distinct_id, seen })
  return { ...event, properties: { ...event.properties, seen, last, total: global.total, tag: config.tag, at: new Date().toISOString() } }
}

export function onEvent(event: any) {
  console.info('ingested ' + event.event + ' with ' + event.properties.seen)
}
`

/** Upper-cases the tag the first plugin added; throws on a property named explode. */
const SHOUT_JS = `export function processEvent(event) {
  if (event.properties.explode) throw new Error('boom on purpose')
  console.warn('shouting', event.properties.tag)
  return { ...event, properties: { ...event.properties, tag: String(event.properties.tag).toUpperCase() } }
}
`

const event = (name: string, distinctId: string, properties: Record<string, unknown> = {}, n = 1): PluginEvent => ({
  uuid: `0190a000-0000-7000-8000-${String(n).padStart(12, '0')}`,
  event: name,
  distinct_id: distinctId,
  ip: '10.0.0.1',
  site_url: 'https://app.example',
  team_id: 1,
  now: '2024-05-01T10:00:00.000Z',
  timestamp: '2024-05-01T10:00:00.000Z',
  properties,
})

function jestInstalled(): boolean {
  return ['jest', 'ts-jest', '@posthog/plugin-scaffold', 'typescript'].every((name) => existsSync(path.join(JEST_CACHE, 'node_modules', name, 'package.json')))
}

async function installJest(): Promise<string | null> {
  if (jestInstalled()) return null
  const files = await renderTemplate({ template: 'enrichment', language: 'ts', name: 'x' })
  const wanted: Record<string, string> = JSON.parse(files.get('package.json') ?? '{}').devDependencies
  const install = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--no-save', '--prefix', JEST_CACHE, ...Object.entries(wanted).map(([n, v]) => `${n}@${v}`)], { encoding: 'utf8', timeout: 300_000 })
  if (install.status === 0 && jestInstalled()) return null
  return `jest could not be installed from the npm registry: ${(install.stderr || install.error?.message || '').trim().split('\n').pop()}`
}

function runJest(cwd: string, folders: string[]) {
  const jest = path.join(JEST_CACHE, 'node_modules', 'jest', 'bin', 'jest.js')
  const run = spawnSync(process.execPath, ['--experimental-vm-modules', '--no-warnings', jest, '--ci', '--projects', ...folders], { cwd, encoding: 'utf8', timeout: 300_000, env: { ...process.env, CI: 'true', FORCE_COLOR: '0' } })
  return { status: run.status, output: `${run.stdout}\n${run.stderr}` }
}

describe('Save as test', () => {
  let root: string
  let studio: StudioService
  const plugins = ['enrich', 'shout']

  before(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'save-as-test-'))
    const dir = path.join(root, 'workspace')
    // Fresh plugin folders, as "New plugin" makes them (package.json with jest), with our own code.
    await writeTemplate(path.join(dir, 'enrich'), { template: 'enrichment', language: 'ts', name: 'Enrich' })
    await writeTemplate(path.join(dir, 'shout'), { template: 'filter', language: 'js', name: 'Shout' })
    await writeFile(path.join(dir, 'enrich', 'index.ts'), ENRICH_TS)
    await writeFile(path.join(dir, 'shout', 'index.js'), SHOUT_JS)
    for (const folder of plugins) await rm(path.join(dir, folder, `index.test.${folder === 'enrich' ? 'ts' : 'js'}`))
    // A secret field too: its value must never reach the test file.
    const manifest = JSON.parse(await readFile(path.join(dir, 'enrich', 'plugin.json'), 'utf8'))
    manifest.config.push({ key: 'apiKey', name: 'API key', type: 'string', secret: true, required: false })
    await writeFile(path.join(dir, 'enrich', 'plugin.json'), JSON.stringify(manifest, null, 2))
    studio = new StudioService({ workspace: await Workspace.open(dir), sampleEventsDir: null, secrets: new SecretsService(new SessionSecretStore()), startRunner: (onCrash) => Runner.start({ onCrash }) })
    await studio.setConfig('enrich', { tag: 'recorded', apiKey: 'sk-never-in-files-42' })
  })
  after(async () => {
    await studio?.dispose()
    await rm(root, { recursive: true, force: true })
  })

  /** Steps events one at a time, as the Debugger does, noting each step's clock time. */
  async function stepAll(events: PluginEvent[]) {
    const results = []
    const times: string[] = []
    for (const e of events) {
      const outcome = await studio.runEvents({ plugins, events: [e] })
      results.push(...outcome.results)
      times.push((await studio.stepState(outcome.snapshot!)).state.time!.now)
      await studio.advanceClock(90_000, plugins)
    }
    return { results, times }
  }

  test('the recorded run passes under jest in fresh plugin folders, and fails when a plugin changes', { timeout: 600_000 }, async (t) => {
    const { results, times } = await stepAll([event('$pageview', 'u1', { page: '/' }, 1), event('bot visit', 'crawler', {}, 2), event('$pageview', 'u1', { page: '/pricing' }, 3), event('signup', 'u2', { explode: true }, 4)])
    assert.equal(results[1].droppedBy, 'enrich')
    assert.match(results[3].error ?? '', /boom on purpose/)
    assert.notEqual(times[0], times[2], 'the clock moved between steps')

    const enrich = await studio.saveRunAsTest({ plugin: 'enrich', results, times })
    const shout = await studio.saveRunAsTest({ plugin: 'shout', results, times })
    assert.deepEqual([enrich.path, enrich.events], ['enrich/recorded-run.test.ts', 4])
    assert.deepEqual([shout.path, shout.events], ['shout/recorded-run.test.js', 3], 'the dropped event never reached the second plugin')
    const text = await readFile(path.join(root, 'workspace', enrich.path), 'utf8')
    assert.match(text, /from '@posthog\/plugin-scaffold\/dist\/test\/utils\.js'/)
    assert.match(text, /"tag": "recorded"/)
    assert.doesNotMatch(text, /sk-never-in-files-42/, 'no secret value in the file')
    assert.match(text, /"apiKey": process\.env\["PLUGIN_APIKEY"\] \?\? ''/)
    assert.deepEqual(enrich.notes, ['Secret values are read from the environment: PLUGIN_APIKEY'])

    const skip = await installJest()
    if (skip) {
      if (process.env.CI === 'true') throw new Error(skip)
      process.stderr.write(`\n!!! SKIPPED the jest part: ${skip}\n`)
      return t.skip(skip)
    }
    const folders = plugins.map((p) => path.join(root, 'workspace', p))
    for (const folder of folders) await symlink(path.join(JEST_CACHE, 'node_modules'), path.join(folder, 'node_modules'))
    const green = runJest(root, folders)
    assert.equal(green.status, 0, `the recorded tests fail:\n${green.output}`)
    assert.match(green.output, /PASS .*enrich\/recorded-run\.test\.ts/)
    assert.match(green.output, /PASS .*shout\/recorded-run\.test\.js/)
    assert.match(green.output, /Tests:\s+7 passed, 7 total/)

    // The first plugin now counts differently: its recorded test catches it, the other still passes.
    await writeFile(path.join(folders[0], 'index.ts'), ENRICH_TS.replace("cache.incr('seen:' + event.distinct_id)", "cache.incr('seen')"))
    const red = runJest(root, folders)
    assert.notEqual(red.status, 0, 'a changed plugin fails its recorded test')
    assert.match(red.output, /FAIL .*enrich\/recorded-run\.test\.ts/)
    assert.match(red.output, /● .*event 4: signup/, 'the case that changed is named')
    assert.match(red.output, /PASS .*shout\/recorded-run\.test\.js/)
  })

  test('a second save picks a new name; a name that is taken is refused and the file left as it was', async () => {
    const outcome = await studio.runEvents({ plugins, events: [event('$pageview', 'u9', {}, 9)] })
    const first = await studio.saveRunAsTest({ plugin: 'shout', results: outcome.results })
    const second = await studio.saveRunAsTest({ plugin: 'shout', results: outcome.results })
    assert.notEqual(first.path, second.path)
    assert.match(second.path, /^shout\/recorded-run(-\d+)?\.test\.js$/)
    const target = path.join(root, 'workspace', first.path)
    await writeFile(target, '// mine\n')
    await assert.rejects(studio.saveRunAsTest({ plugin: 'shout', results: outcome.results, fileName: path.basename(first.path) }), (error: Error) => error.name === FILE_EXISTS_ERROR && /already exists/.test(error.message))
    assert.equal(readFileSync(target, 'utf8'), '// mine\n')
    await assert.rejects(studio.saveRunAsTest({ plugin: 'shout', results: outcome.results, fileName: '../escape.test.js' }), /not a test file name/)
    assert.deepEqual((await readdir(path.join(root, 'workspace', 'shout'))).filter((f) => f.startsWith('.plugin-studio-tmp-')), [], 'no temp file is left behind')
  })
})
