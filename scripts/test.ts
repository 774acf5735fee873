// `npm test`: every *.test.ts under the source folders, e2e included, with Node's test runner.
// `--no-e2e` leaves the browser specs out; any other arguments are file filters.
import { spawnSync } from 'node:child_process'
import { globSync } from 'node:fs'

const args = process.argv.slice(2)
const noE2e = args.includes('--no-e2e')
const filters = args.filter((a) => !a.startsWith('--'))

const roots = ['common', 'main', 'runtime', 'renderer', 'e2e', 'bench', 'scripts', 'test-support']
let files = roots
  .flatMap((root) => globSync(`${root}/**/*.test.{ts,tsx}`))
  .filter((f) => !f.includes('node_modules') && !f.includes('/fixtures/'))
  .sort()
if (noE2e) files = files.filter((f) => !f.startsWith('e2e/'))
if (filters.length) files = files.filter((f) => filters.some((filter) => f.includes(filter)))
if (files.length === 0) {
  console.error('No test files matched.')
  process.exit(1)
}

if (files.some((f) => f.startsWith('e2e/'))) {
  const build = spawnSync(process.execPath, ['scripts/build.ts'], { stdio: 'inherit' })
  if (build.status !== 0) process.exit(build.status ?? 1)
}

const result = spawnSync(
  process.execPath,
  ['--test', '--test-reporter=spec', '--test-concurrency=2', '--test-timeout=300000', ...files],
  { stdio: 'inherit', env: { ...process.env, FORCE_COLOR: process.env.CI ? '0' : process.env.FORCE_COLOR } },
)
process.exit(result.status ?? 1)
