// npm publishing against a real Verdaccio registry on 127.0.0.1 (hermetic: no uplinks).
import assert from 'node:assert/strict'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { gunzipSync } from 'node:zlib'
import { startVerdaccio, type TestRegistry } from '../../../../test-support/verdaccio.ts'
import { NpmPublishError } from './npm-errors.ts'
import { bumpPackageVersion, prepareNpmPublish, publishToNpm } from './npm-publisher.ts'

const TS_PLUGIN = `import type { PluginEvent, Meta } from '@posthog/plugin-scaffold'
export function processEvent(event: PluginEvent, { config }: Meta): PluginEvent {
  event.properties = { ...event.properties, greeting: \`hello \${config.name}\` }
  return event
}
`

function makePlugin(name: string, files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'studio-npm-plugin-'))
  writeFileSync(join(dir, 'plugin.json'), JSON.stringify({ name, description: 'Greets events', config: [{ key: 'name', name: 'Person to greet', type: 'string', default: 'world' }] }, null, 2))
  writeFileSync(join(dir, 'index.ts'), TS_PLUGIN)
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text)
  return dir
}

/** Reads the files of a tarball downloaded from the registry (ustar, one block per header). */
function tarFiles(tgz: Buffer): Map<string, string> {
  const tar = gunzipSync(tgz)
  const files = new Map<string, string>()
  for (let offset = 0; offset + 512 <= tar.length; ) {
    const header = tar.subarray(offset, offset + 512)
    if (header.every((b) => b === 0)) break
    const name = header.subarray(0, 100).toString().replace(/\0.*$/s, '')
    const size = parseInt(header.subarray(124, 136).toString().replace(/\0.*$/s, '').trim(), 8)
    files.set(name, tar.subarray(offset + 512, offset + 512 + size).toString())
    offset += 512 + Math.ceil(size / 512) * 512
  }
  return files
}

describe('npm publishing against Verdaccio', () => {
  let registry: TestRegistry
  let token: string
  const dirs: string[] = []
  const plugin = (name: string, files?: Record<string, string>) => {
    const dir = makePlugin(name, files)
    dirs.push(dir)
    return dir
  }

  before(async () => {
    registry = await startVerdaccio({ lifetimeMs: 180_000 })
    token = await registry.addUser('studio-tester', 'a-long-test-password')
    console.log(`# Verdaccio ready in ${registry.startupMs.toFixed(0)} ms at ${registry.url}`)
  })
  after(async () => {
    await registry?.stop()
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
  })

  test('publishes a TypeScript plugin; the package is downloadable with the right files', async () => {
    const dir = plugin('Hello Studio')
    const steps: string[] = []
    const started = performance.now()
    const result = await publishToNpm(dir, { registry: registry.url, token, onStep: (s) => void steps.push(s) })
    console.log(`# publish took ${(performance.now() - started).toFixed(0)} ms`)
    assert.equal(result.outcome, 'published', JSON.stringify(result.checks))
    assert.equal(result.preview?.name, 'hello-studio')
    assert.deepEqual(result.preview?.files.map((f) => f.path), ['index.ts', 'package.json', 'plugin.json'])
    assert.ok(result.preview!.tarballBytes > 0)
    assert.ok(result.checks.some((c) => c.id === 'typescript' && c.status === 'pass'))
    assert.deepEqual(steps.at(-1), 'Published')

    // The generated package.json was saved next to plugin.json after the registry accepted it.
    const saved = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))
    assert.equal(saved.main, 'index.ts')
    assert.deepEqual(saved.files, ['plugin.json', 'index.ts'])
    assert.ok(saved.keywords.includes('posthog-plugin'))
    assert.equal(saved.license, 'MIT')

    const doc = (await (await fetch(`${registry.url}hello-studio`)).json()) as { versions: Record<string, { dist: { tarball: string } }> }
    const tarballUrl = doc.versions['0.1.0'].dist.tarball
    const files = tarFiles(Buffer.from(await (await fetch(tarballUrl)).arrayBuffer()))
    assert.deepEqual([...files.keys()].sort(), ['package/index.ts', 'package/package.json', 'package/plugin.json'])
    assert.equal(files.get('package/index.ts'), TS_PLUGIN)
    assert.equal(JSON.parse(files.get('package/plugin.json')!).name, 'Hello Studio')
  })

  test('the same version again is caught by the checks, with a clear message', async () => {
    const dir = plugin('Twice Published')
    assert.equal((await publishToNpm(dir, { registry: registry.url, token })).outcome, 'published')
    const again = await publishToNpm(dir, { registry: registry.url, token })
    assert.equal(again.outcome, 'checks-failed')
    const check = again.checks.find((c) => c.id === 'not-published')!
    assert.equal(check.status, 'fail')
    assert.match(check.message, /Version 0\.1\.0 of twice-published is already on .* cannot be replaced\. Bump the version/)
  })

  test('a version published by someone else after the checks gets the registry refusal (409) in plain words', async () => {
    const dir = plugin('Race Lost')
    const other = plugin('Race Lost')
    await assert.rejects(
      publishToNpm(dir, {
        registry: registry.url,
        token,
        // Between the checks and the upload, the same version appears on the registry.
        onStep: async (step) => {
          if (step.startsWith('Publishing')) assert.equal((await publishToNpm(other, { registry: registry.url, token })).outcome, 'published')
        },
      }),
      (error: unknown) => {
        assert.ok(error instanceof NpmPublishError)
        assert.equal(error.failure, 'version-exists')
        assert.match(error.message, /^Version 0\.1\.0 of race-lost is already on http:\/\/127\.0\.0\.1:\d+\/; a published version cannot be replaced\. .*Nothing was published\.$/)
        return true
      },
    )
    assert.equal(existsSync(join(dir, 'package.json')), false, 'a failed publish writes nothing')
  })

  test('a wrong token gets the 401 message, and the token is not in it', async () => {
    const dir = plugin('Wrong Token')
    const bad = 'bm90LWEtcmVhbC10b2tlbi1hdC1hbGwtMTIzNDU2Nzg5MA=='
    await assert.rejects(publishToNpm(dir, { registry: registry.url, token: bad }), (error: unknown) => {
      assert.ok(error instanceof NpmPublishError)
      assert.equal(error.failure, 'unauthorized')
      assert.match(error.message, /rejected the token \(401 Unauthorized\): it is wrong, expired or revoked\. .*Nothing was published\./)
      assert.ok(!error.message.includes(bad) && !String(error.stack).includes(bad))
      return true
    })
    assert.equal((await fetch(`${registry.url}wrong-token`)).status, 404)
  })

  test('a token without the right to publish this name gets the 403 message', async () => {
    const dir = plugin('Locked Plugin')
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: '@studio-locked/plugin', version: '1.0.0', main: 'index.ts', keywords: ['posthog-plugin'], license: 'MIT' }))
    await assert.rejects(publishToNpm(dir, { registry: registry.url, token }), (error: unknown) => {
      assert.ok(error instanceof NpmPublishError)
      assert.equal(error.failure, 'forbidden')
      assert.match(error.message, /refused to publish @studio-locked\/plugin@1\.0\.0 \(403 Forbidden\): the token is valid but lacks the right to publish this package.*Nothing was published\./)
      return true
    })
  })

  test('no token at all gets a clear refusal', async () => {
    const dir = plugin('No Token')
    await assert.rejects(publishToNpm(dir, { registry: registry.url, token: null }), (error: unknown) => {
      assert.ok(error instanceof NpmPublishError)
      assert.ok(['unauthorized', 'forbidden'].includes(error.failure), error.message)
      return true
    })
  })

  test('a dry run packs and previews but sends nothing and writes nothing', async () => {
    const dir = plugin('Dry Runner', { 'README.md': '# Dry Runner\n' })
    const result = await publishToNpm(dir, { registry: registry.url, token, dryRun: true, bump: 'minor' })
    assert.equal(result.outcome, 'dry-run')
    assert.equal(result.preview?.version, '0.2.0')
    assert.deepEqual(result.preview?.files.map((f) => f.path), ['index.ts', 'package.json', 'plugin.json', 'README.md'])
    assert.equal((await fetch(`${registry.url}dry-runner`)).status, 404)
    assert.deepEqual(readdirSync(dir).sort(), ['README.md', 'index.ts', 'plugin.json'])
  })

  test('--bump writes the new version atomically after the publish', async () => {
    const dir = plugin('Bumped Plugin')
    writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ name: 'bumped-plugin', version: '1.4.9', main: 'index.ts', keywords: ['posthog-plugin'], license: 'MIT' }, null, 4)}\n`)
    const inode = statSync(join(dir, 'package.json')).ino
    const result = await publishToNpm(dir, { registry: registry.url, token, bump: 'patch' })
    assert.equal(result.outcome, 'published')
    const text = readFileSync(join(dir, 'package.json'), 'utf8')
    assert.equal(JSON.parse(text).version, '1.4.10')
    assert.match(text, /^\{\n {4}"name"/, 'keeps the file’s indentation')
    assert.notEqual(statSync(join(dir, 'package.json')).ino, inode, 'replaced by rename, not rewritten in place')
    assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith('.tmp')), [])
    const doc = (await (await fetch(`${registry.url}bumped-plugin`)).json()) as { 'dist-tags': Record<string, string> }
    assert.equal(doc['dist-tags'].latest, '1.4.10')

    assert.equal(bumpPackageVersion(dir, 'minor'), '1.5.0')
    assert.equal(bumpPackageVersion(dir, 'major'), '2.0.0')
    assert.equal(JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).version, '2.0.0')
  })

  test('checks refuse what PostHog could not run, each with its own message', async () => {
    const noEntry = plugin('No Entry')
    rmSync(join(noEntry, 'index.ts'))
    const a = await prepareNpmPublish(noEntry, { registry: registry.url })
    assert.equal(a.ok, false)
    assert.match(a.checks.find((c) => c.id === 'entry')!.message, /PostHog runs index\.js or index\.ts, and there is no such file/)

    const split = plugin('Split Files', { 'helpers.ts': 'export const x = 1\n' })
    writeFileSync(join(split, 'index.ts'), "import { x } from './helpers'\nexport function processEvent(e) { return e }\n")
    const b = await prepareNpmPublish(split, { registry: registry.url })
    assert.match(b.checks.find((c) => c.id === 'single-file')!.message, /imports \.\/helpers: PostHog loads only the entry file/)

    const badName = plugin('Bad Name')
    writeFileSync(join(badName, 'package.json'), JSON.stringify({ name: 'Bad Name', version: '1.0.0', files: ['index.ts'] }))
    const c = await prepareNpmPublish(badName, { registry: registry.url })
    assert.match(c.checks.find((x) => x.id === 'name')!.message, /is not valid on npm: the name has capital letters/)
    assert.equal(c.checks.find((x) => x.id === 'keyword')!.status, 'warn')

    const missingFile = plugin('Missing File')
    writeFileSync(join(missingFile, 'package.json'), JSON.stringify({ name: 'missing-file', version: '1.0.0', files: ['index.ts'], license: 'MIT' }))
    const d = await prepareNpmPublish(missingFile, { registry: registry.url })
    assert.equal(d.ok, false)
    assert.match(d.checks.find((x) => x.id === 'contents')!.message, /would not contain plugin\.json: PostHog needs both/)
  })

  test('an unreachable registry: "nothing was published"', async () => {
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as { port: number }
        probe.close(() => resolve(port))
      })
    })
    const dir = plugin('Offline Plugin')
    await assert.rejects(publishToNpm(dir, { registry: `http://127.0.0.1:${port}/`, token }), (error: unknown) => {
      assert.ok(error instanceof NpmPublishError)
      assert.equal(error.failure, 'network')
      assert.match(error.message, /^Could not reach http:\/\/127\.0\.0\.1:\d+\/ \(ECONNREFUSED\)\. .*Nothing was published\.$/)
      return true
    })
  })
})
