// Plugin cold start (Runner.load of a plain plugin never seen before: read, compile, new isolate,
// setupPlugin) and memory per warm plugin isolate, through the real runtime process.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { PluginEvent } from '../common/plugin/event.ts'
import type { PluginSpec } from '../common/protocol/runtime.ts'
import { Runner } from '../main/services/runner/runner.ts'
import { median } from './measure.ts'
import { RUNTIME_OPTIONS } from './runtime.section.ts'
import type { AllResults, BenchContext, BenchSection, Target } from './section.ts'

const PLAIN = join(import.meta.dirname, 'fixtures', 'plain-plugin')
const MiB = 1024 * 1024

/** A copy of the plain plugin whose source differs (a build comment), so no compile cache can help. */
function freshCopy(root: string, n: number): string {
  const dir = join(root, `plain-${n}`)
  cpSync(PLAIN, dir, { recursive: true })
  writeFileSync(join(dir, 'index.js'), `${readFileSync(join(PLAIN, 'index.js'), 'utf8')}\n// build ${n} ${Date.now()}\n`)
  return dir
}

function spec(dir: string, id: string): PluginSpec {
  return { id, dir, config: {}, attachments: {} }
}

const section: BenchSection = {
  title: 'Cold start and memory per warm isolate (runtime process)',
  order: 40,
  async run(context: BenchContext) {
    const root = mkdtempSync(join(tmpdir(), 'bench-cold-'))
    const runner = await Runner.start()
    try {
      const samples = context.quick ? 8 : 30
      const times: number[] = []
      for (let i = 0; i < samples + 3; i++) {
        const dir = freshCopy(root, i)
        const start = performance.now()
        const { setup } = await runner.load({ plugins: [spec(dir, 'plain')], options: RUNTIME_OPTIONS })
        const elapsed = performance.now() - start
        if (setup[0]?.error) throw new Error(`plain plugin failed to load: ${setup[0].error}`)
        await runner.unload()
        if (i >= 3) times.push(elapsed) // the first loads warm up the runtime process itself
      }

      const isolates = context.quick ? 5 : 20
      const plugins = Array.from({ length: isolates }, (_, i) => spec(freshCopy(root, 1000 + i), `plain-${i}`))
      await runner.load({ plugins, options: RUNTIME_OPTIONS })
      for (let i = 0; i < 5; i++) await runner.processEvents(context.events.slice(i * 100, i * 100 + 100) as PluginEvent[])
      const status = await runner.status()
      const heaps = Object.values(status.isolateHeapBytes)
      await runner.unload()
      const figures = [{ name: 'cold start (plain plugin)', value: median(times), unit: 'ms', detail: `median of ${times.length} Runner.load calls, fresh source each` }]
      if (heaps.length) {
        figures.push({ name: 'memory per warm isolate', value: heaps.reduce((a, b) => a + b, 0) / heaps.length / MiB, unit: 'MiB', detail: `mean heap of ${heaps.length} isolates after 500 events` })
      }
      context.log(`  cold start ${median(times).toFixed(2)} ms; ${heaps.length} isolates`)
      return { figures }
    } finally {
      await runner.close()
      rmSync(root, { recursive: true, force: true })
    }
  },
  targets(all: AllResults): Target[] {
    const out: Target[] = []
    const cold = all.figures.find((f) => f.name === 'cold start (plain plugin)')
    if (cold) out.push({ label: 'cold start ≤ 5 ms', at: { figure: cold.name }, actual: cold.value, compare: '≤', threshold: 5, unit: 'ms', pass: cold.value <= 5 })
    const memory = all.figures.find((f) => f.name === 'memory per warm isolate')
    if (memory) out.push({ label: '≤ 2.5 MiB per warm isolate', at: { figure: memory.name }, actual: memory.value, compare: '≤', threshold: 2.5, unit: 'MiB', pass: memory.value <= 2.5 })
    return out
  },
}

export default section
