// The pure rules behind the npm checks: names, versions, generated package.json, tarball listing.
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { gzipSync } from 'node:zlib'
import { generatePackageJson, packageNameFrom, packageNameProblem, readPluginJson, resolveEntry } from './package-manifest.ts'
import { nerfDart, normalizeRegistry } from './registry.ts'
import { listTarball } from './tarball-listing.ts'
import { bumpVersion } from './version-bump.ts'

test('npm name rules', () => {
  assert.equal(packageNameProblem('posthog-geoip-plugin'), null)
  assert.equal(packageNameProblem('@acme/posthog-plugin'), null)
  assert.match(packageNameProblem('Hello')!, /capital letters/)
  assert.match(packageNameProblem('.hidden')!, /cannot start with a dot/)
  assert.match(packageNameProblem('has space')!, /not URL-safe/)
  assert.match(packageNameProblem('http')!, /reserved/)
  assert.match(packageNameProblem('@scope')!, /@scope\/name/)
  assert.match(packageNameProblem('a'.repeat(215))!, /longer than 214/)
  assert.match(packageNameProblem(undefined)!, /missing/)
  assert.equal(packageNameFrom('My Great Plugin!'), 'my-great-plugin')
  assert.equal(packageNameFrom('Ünïcode Plügin'), 'unicode-plugin')
})

test('version bumps follow npm version', () => {
  assert.equal(bumpVersion('1.2.3', 'patch'), '1.2.4')
  assert.equal(bumpVersion('1.2.3', 'minor'), '1.3.0')
  assert.equal(bumpVersion('1.2.3', 'major'), '2.0.0')
  assert.equal(bumpVersion('1.2.3-beta.1', 'patch'), '1.2.3')
  assert.equal(bumpVersion('1.3.0-rc.0', 'minor'), '1.3.0')
  assert.equal(bumpVersion('2.0.0-rc.0', 'major'), '2.0.0')
  assert.throws(() => bumpVersion('v1', 'patch'), /not a semantic version/)
})

test('registry URLs and their auth key', () => {
  assert.equal(normalizeRegistry(undefined), 'https://registry.npmjs.org/')
  assert.equal(normalizeRegistry('http://127.0.0.1:4873'), 'http://127.0.0.1:4873/')
  assert.equal(nerfDart('https://npm.example.com/private/'), '//npm.example.com/private/')
  assert.throws(() => normalizeRegistry('ftp://x'), /must start with https:\/\/ or http:\/\//)
})

test('package.json generated from plugin.json', () => {
  const dir = mkdtempSync(join(tmpdir(), 'studio-pkg-'))
  try {
    writeFileSync(join(dir, 'plugin.json'), JSON.stringify({ name: 'Geo Enricher', description: 'Adds geo', main: 'src/plugin.ts' }))
    writeFileSync(join(dir, 'index.ts'), '')
    // plugin.json's main wins, even when missing (the entry check then reports it), as in PostHog.
    assert.equal(resolveEntry(dir, readPluginJson(dir)), null)
    assert.equal(generatePackageJson(dir, readPluginJson(dir)).main, 'src/plugin.ts')
    writeFileSync(join(dir, 'plugin.json'), JSON.stringify({ name: 'Geo Enricher', description: 'Adds geo', url: 'https://github.com/acme/geo' }))
    writeFileSync(join(dir, 'README.md'), '# Geo')
    const pkg = generatePackageJson(dir, readPluginJson(dir))
    assert.deepEqual(pkg, { name: 'geo-enricher', version: '0.1.0', description: 'Adds geo', main: 'index.ts', files: ['plugin.json', 'index.ts', 'README.md'], keywords: ['posthog', 'posthog-plugin'], license: 'MIT', repository: 'https://github.com/acme/geo' })
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

test('tarball listing reads ustar names, prefixes and GNU long names', () => {
  const header = (name: string, size: number, type = '0', prefix = '') => {
    const h = Buffer.alloc(512)
    h.write(name, 0)
    h.write(size.toString(8).padStart(11, '0'), 124)
    h.write(type, 156)
    h.write('ustar\0', 257)
    h.write(prefix, 345)
    return h
  }
  const body = (text: string) => {
    const b = Buffer.alloc(Math.ceil(text.length / 512) * 512)
    b.write(text)
    return b
  }
  const long = `package/${'deep/'.repeat(30)}file.txt`
  const tar = Buffer.concat([
    header('package/plugin.json', 2), body('{}'),
    header('index.ts', 5, '0', 'package'), body('hello'),
    header('././@LongLink', long.length + 1, 'L'), body(`${long}\0`),
    header(long.slice(0, 99), 1), body('x'),
    header('package/dir/', 0, '5'),
    Buffer.alloc(1024),
  ])
  assert.deepEqual(listTarball(gzipSync(tar)), [
    { path: `${'deep/'.repeat(30)}file.txt`, size: 1 },
    { path: 'index.ts', size: 5 },
    { path: 'plugin.json', size: 2 },
  ])
})
