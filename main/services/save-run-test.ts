// Writes a recorded Debugger run as a jest test in the plugin's folder (main/services/recorded-test.ts
// makes the text): a temp file linked into place, so a half-written file never appears and an
// existing file is never replaced.
import path from 'node:path'
import { randomBytes } from 'node:crypto'
import { link, rm, writeFile } from 'node:fs/promises'
import { FILE_EXISTS_ERROR, MAX_RECORDED_EVENTS, type SaveTestRequest, type SaveTestResult } from '../../common/protocol/run-history.ts'
import type { PluginConfigState, PluginSummary } from '../../common/protocol/studio.ts'
import { casesOf, renderRecordedTest } from './recorded-test.ts'
import { TEMP_PREFIX } from './workspace/atomic-write.ts'

export interface SaveTestDeps {
  summarise(plugin: string): Promise<PluginSummary>
  /** Non-secret config values as stored. */
  config(summary: PluginSummary): Promise<PluginConfigState>
  /** Absolute path of a workspace-relative one. */
  resolve(relative: string): Promise<string>
  /** Tells the workspace watcher the studio writes this path itself. */
  markOwn(relative: string): void
}

const TEST_NAME = /^[\w.-]+\.test\.(ts|js|mjs|cjs)$/

export async function saveRunAsTest(deps: SaveTestDeps, request: SaveTestRequest): Promise<SaveTestResult> {
  if (!request || typeof request.plugin !== 'string') throw new Error('Save as test needs the plugin to write the test for')
  if (!Array.isArray(request.results) || request.results.length === 0) throw new Error('Nothing has run yet: Step or Run all first, then Save as test')
  const summary = await deps.summarise(request.plugin)
  if (!summary.entry) throw new Error(`${summary.id} has no entry file (main in plugin.json, index.js or index.ts): there is nothing for a test to import`)
  const entry = path.posix.relative(summary.id, summary.entry)
  const language = /\.ts$/.test(entry) ? 'ts' : 'js'
  const notes: string[] = []
  const results = request.results.slice(0, MAX_RECORDED_EVENTS)
  if (request.results.length > MAX_RECORDED_EVENTS) notes.push(`Only the first ${MAX_RECORDED_EVENTS} of ${request.results.length} events were recorded`)
  const cases = casesOf(summary.id, results, request.times)
  if (cases.length === 0) throw new Error(`No event of this run reached ${summary.name}'s processEvent or onEvent: there is nothing to test`)
  if (results.some((r) => r.stages.some((s) => s.plugin === summary.id && s.method === 'exportEvents'))) notes.push('exportEvents is not checked (its batches run on the clock)')

  // Config as the run had it: stored values, plugin.json defaults; secrets from the environment.
  const stored = await deps.config(summary)
  const config: Record<string, string> = {}
  const secretKeys: string[] = []
  for (const field of summary.config) {
    if (!field.key || field.type === 'attachment') continue
    if (field.secret) {
      secretKeys.push(field.key)
      continue
    }
    const value = stored.values[field.key] ?? field.default
    if (value !== undefined) config[field.key] = value
  }
  if (secretKeys.length) notes.push(`Secret values are read from the environment: ${secretKeys.map((k) => `PLUGIN_${k.toUpperCase()}`).join(', ')}`)
  if (summary.config.some((f) => f.type === 'attachment')) notes.push('Attachments are not part of the test')

  const text = renderRecordedTest({ pluginName: summary.name, entry, language, config, secretKeys, cases, recordedAt: new Date().toISOString().slice(0, 19).replace('T', ' ') })
  const dir = await deps.resolve(summary.id)
  const ext = language === 'ts' ? 'ts' : 'js'
  if (request.fileName !== undefined) {
    if (typeof request.fileName !== 'string' || !TEST_NAME.test(request.fileName)) throw new Error(`"${String(request.fileName)}" is not a test file name (letters, digits, . _ -, ending in .test.ts or .test.js)`)
    await writeNew(deps, summary.id, dir, request.fileName, text)
    return { path: `${summary.id}/${request.fileName}`, events: cases.length, notes }
  }
  for (let n = 1; n < 1000; n++) {
    const name = `recorded-run${n === 1 ? '' : `-${n}`}.test.${ext}`
    try {
      await writeNew(deps, summary.id, dir, name, text)
      return { path: `${summary.id}/${name}`, events: cases.length, notes }
    } catch (error) {
      if ((error as Error).name !== FILE_EXISTS_ERROR) throw error
    }
  }
  throw new Error(`${summary.id} already holds recorded-run tests up to recorded-run-999: pick a file name`)
}

/** Temp file, then a hard link to the name (fails if it exists: nothing is replaced), then the temp goes. */
async function writeNew(deps: SaveTestDeps, plugin: string, dir: string, name: string, text: string): Promise<void> {
  const target = path.join(dir, name)
  const temp = path.join(dir, `${TEMP_PREFIX}${name}-${randomBytes(6).toString('hex')}`)
  deps.markOwn(`${plugin}/${name}`)
  await writeFile(temp, text, { flag: 'wx' })
  try {
    await link(temp, target)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      const exists = new Error(`${plugin}/${name} already exists; Save as test does not replace files`)
      exists.name = FILE_EXISTS_ERROR
      throw exists
    }
    throw error
  } finally {
    await rm(temp, { force: true })
  }
}
