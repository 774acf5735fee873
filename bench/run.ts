// `npm run bench` (node --no-node-snapshot bench/run.ts [--quick] [--only text]): runs every
// bench/*.section.ts in order on the same plugins (bench/plugins/) and the same seeded events,
// prints one table and writes it as JSON to bench/results/latest.json.
import { globSync, mkdirSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, totalmem } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import type { PluginEvent } from '../common/plugin/event.ts'
import { generateEvents } from '../scripts/generate-events.ts'
import { listBenchPlugins } from './plugin-code.ts'
import { measureInterleaved } from './measure.ts'
import type { AllResults, BenchContext, BenchSection, Figure, Target, Throughput, ThroughputVariant } from './section.ts'
import { renderTables } from './table.ts'

const { values } = parseArgs({ options: { quick: { type: 'boolean' }, only: { type: 'string', multiple: true }, help: { type: 'boolean', short: 'h' } } })
if (values.help) {
  process.stdout.write('Usage: npm run bench -- [--quick] [--only <section file or title text>]...\n  --quick  short budgets, fewer events: for iterating, not for figures\n')
  process.exit(0)
}
const quick = Boolean(values.quick)
const EVENT_COUNT = quick ? 500 : 2000
const SEED = 20261122

const context: BenchContext = {
  quick,
  events: generateEvents(EVENT_COUNT, SEED) as unknown as PluginEvent[],
  plugins: listBenchPlugins(),
  budgetMs: quick ? 300 : 2500,
  warmupMs: quick ? 100 : 700,
  log: (line) => process.stderr.write(`${line}\n`),
}

const files = globSync('*.section.ts', { cwd: import.meta.dirname }).sort()
const sections: { file: string; section: BenchSection }[] = []
const skipped: { section: string; reason: string }[] = []
for (const file of files) {
  let section: BenchSection
  try {
    section = ((await import(join(import.meta.dirname, file))) as { default: BenchSection }).default
  } catch (error) {
    // A section whose parts are not there yet (e.g. a service still being written) must not stop the others.
    skipped.push({ section: file, reason: `could not load: ${error instanceof Error ? error.message : String(error)}` })
    continue
  }
  if (values.only && !values.only.some((o) => file.includes(o) || section.title.toLowerCase().includes(o.toLowerCase()))) continue
  sections.push({ file, section })
}
sections.sort((a, b) => a.section.order - b.section.order)

const all: AllResults = { throughput: [], figures: [] }
const started = performance.now()
// The 1-minute load average before and after: on a shared machine, figures taken under load are not comparable.
const loadBefore = loadavg()[0]
context.log(`bench: ${context.events.length} events (seed ${SEED}), plugins ${context.plugins.map((p) => p.id).join(', ')}${quick ? ', QUICK mode' : ''}`)
const failed = (title: string, error: unknown) => {
  const reason = error instanceof Error ? (error.stack ?? error.message) : String(error)
  skipped.push({ section: title, reason })
  context.log(`  FAILED: ${reason}`)
}

// Throughput: every section's variants of one plugin measured together, round by round.
const variants: ThroughputVariant[] = []
const closers: (() => Promise<void>)[] = []
for (const { file, section } of sections) {
  if (!section.variants) continue
  context.log(`▶ preparing ${section.title} (${file})`)
  try {
    const prepared = await section.variants(context)
    variants.push(...prepared.variants)
    if (prepared.close) closers.push(prepared.close)
  } catch (error) {
    failed(section.title, error)
  }
}
try {
  for (const plugin of context.plugins) {
    const mine = variants.filter((v) => v.plugin === plugin.id)
    if (mine.length === 0) continue
    context.log(`▶ throughput of ${plugin.id}: ${mine.map((v) => v.variant).join(', ')} (interleaved)`)
    const measured = await measureInterleaved(
      mine.map((v) => ({ events: v.events ?? context.events, fresh: v.fresh, process: v.process })),
      { budgetMs: context.budgetMs, warmupMs: context.warmupMs },
    )
    mine.forEach((v, i) => {
      all.throughput.push({ plugin: v.plugin, variant: v.variant, ...measured[i] })
      context.log(`  ${v.variant}: ${measured[i].usPerEvent.toFixed(2)} µs/event (${measured[i].rounds} rounds)`)
    })
  }
} finally {
  for (const close of closers) await close().catch((error: unknown) => context.log(`  closing failed: ${String(error)}`))
}

// Single figures.
for (const { file, section } of sections) {
  if (!section.run) continue
  context.log(`▶ ${section.title} (${file})`)
  try {
    const result = await section.run(context)
    if (result.skipped) {
      skipped.push({ section: section.title, reason: result.skipped })
      context.log(`  skipped: ${result.skipped}`)
    }
    all.throughput.push(...(result.throughput ?? []))
    all.figures.push(...(result.figures ?? []))
  } catch (error) {
    failed(section.title, error)
  }
}
const targets: Target[] = sections.flatMap(({ section }) => section.targets?.(all) ?? [])
const totalSeconds = (performance.now() - started) / 1000
const loadAfter = loadavg()[0]

process.stdout.write(renderTables(all, targets))
for (const s of skipped) process.stdout.write(`\n! ${s.section}: ${s.reason.split('\n')[0]}`)
process.stdout.write(`\n${quick ? 'QUICK run (not for figures) · ' : ''}${cpus().length} × ${cpus()[0]?.model ?? 'cpu'} · Node ${process.version} · ${totalSeconds.toFixed(1)} s · load ${loadBefore.toFixed(2)} → ${loadAfter.toFixed(2)}\n`)

const report = {
  date: new Date().toISOString(),
  quick,
  machine: { node: process.version, platform: `${process.platform}-${process.arch}`, cpus: cpus().length, cpuModel: cpus()[0]?.model, memoryBytes: totalmem(), loadAverage1m: { before: loadBefore, after: loadAfter } },
  events: { count: context.events.length, seed: SEED },
  plugins: context.plugins.map((p) => ({ id: p.id, name: p.name })),
  throughput: all.throughput.map(withRatios(all.throughput)),
  figures: all.figures satisfies Figure[],
  targets,
  skipped,
  durationSeconds: totalSeconds,
}
const resultsDir = join(import.meta.dirname, 'results')
mkdirSync(resultsDir, { recursive: true })
writeFileSync(join(resultsDir, 'latest.json'), `${JSON.stringify(report, null, 2)}\n`)
process.stdout.write(`written to bench/results/latest.json\n`)
// The runtime sections close their processes; anything left (a stuck child) must not keep the bench alive.
process.exit(0)

function withRatios(rows: Throughput[]) {
  return (row: Throughput) => {
    const base = (variant: string) => rows.find((r) => r.plugin === row.plugin && r.variant === variant)?.eventsPerSec
    const vm2 = base('vm2')
    const json = base('direct+JSON')
    return { ...row, vsVm2: vm2 ? row.eventsPerSec / vm2 : null, vsDirectJson: json ? row.eventsPerSec / json : null }
  }
}
