// Each template's own test file passes under jest, run the way its author would: `npm test` in the
// generated plugin folder. jest & co. (the versions the templates' package.json names) are installed
// once into .cache/template-jest; without the npm registry the test is skipped loudly (fails under CI).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import path from 'node:path'
import os from 'node:os'
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { mkdir, mkdtemp, rm, symlink } from 'node:fs/promises'
import { HELLO_WORLD_TEMPLATE, TEMPLATES, renderTemplate, writeTemplate, type TemplateRequest } from './templates.ts'

const ROOT = path.join(import.meta.dirname, '..', '..', '..')
const CACHE = path.join(ROOT, '.cache', 'template-jest')

/** The dev dependencies the TypeScript template asks for (a superset of the JavaScript one's). */
async function wantedPackages(): Promise<Record<string, string>> {
  const files = await renderTemplate({ template: 'enrichment', language: 'ts', name: 'x' })
  return JSON.parse(files.get('package.json') ?? '{}').devDependencies
}

function installed(wanted: Record<string, string>): boolean {
  return Object.entries(wanted).every(([name, version]) => {
    const manifest = path.join(CACHE, 'node_modules', name, 'package.json')
    return existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).version === version
  })
}

test('each template’s jest tests pass with `npm test`', { timeout: 600_000 }, async (t) => {
  const wanted = await wantedPackages()
  if (!installed(wanted)) {
    await mkdir(CACHE, { recursive: true })
    const install = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--no-save', '--prefix', CACHE, ...Object.entries(wanted).map(([n, v]) => `${n}@${v}`)], { encoding: 'utf8', timeout: 300_000 })
    if (install.status !== 0 || !installed(wanted)) {
      const message = `jest could not be installed from the npm registry: ${(install.stderr || install.error?.message || '').trim().split('\n').pop()}`
      if (process.env.CI === 'true') throw new Error(message)
      process.stderr.write(`\n!!! SKIPPED: ${message}\n`)
      return t.skip(message)
    }
  }
  const dir = await mkdtemp(path.join(os.tmpdir(), 'templates-jest-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  const requests: TemplateRequest[] = [
    ...TEMPLATES.flatMap((template) => template.languages.map((language) => ({ template: template.id, language, name: `${template.title} ${language}` }))),
    { template: HELLO_WORLD_TEMPLATE, language: 'ts', name: 'Hello world' },
  ]
  const folders: string[] = []
  for (const request of requests) {
    const folder = path.join(dir, `${request.template}-${request.language}`)
    await writeTemplate(folder, request)
    await symlink(path.join(CACHE, 'node_modules'), path.join(folder, 'node_modules'))
    folders.push(folder)
  }
  const env = { ...process.env, CI: 'true', FORCE_COLOR: '0' }
  // Every folder as a jest project (each with its own package.json "jest" config), in one process:
  // one jest start-up instead of nine. The ESM flag is what the JavaScript templates' script passes.
  const jest = path.join(CACHE, 'node_modules', 'jest', 'bin', 'jest.js')
  const all = spawnSync(process.execPath, ['--experimental-vm-modules', '--no-warnings', jest, '--ci', '--projects', ...folders], { cwd: dir, encoding: 'utf8', timeout: 300_000, env })
  const output = `${all.stdout}\n${all.stderr}`
  assert.equal(all.status, 0, `jest failed:\n${output}`)
  for (const folder of folders) assert.match(output, new RegExp(`PASS .*${path.basename(folder)}/index\\.test\\.(ts|js)`), `${path.basename(folder)} ran and passed`)
  // And `npm test` itself, as the README tells authors, in a TypeScript and a JavaScript plugin.
  for (const folder of [path.join(dir, 'hello-world-ts'), path.join(dir, 'filter-js')]) {
    const run = spawnSync('npm', ['test'], { cwd: folder, encoding: 'utf8', timeout: 180_000, env })
    assert.equal(run.status, 0, `${path.basename(folder)}: npm test failed:\n${run.stdout}\n${run.stderr}`)
    assert.match(`${run.stdout}\n${run.stderr}`, /Tests:\s+\d+ passed, \d+ total/)
  }
})
