// The studio itself in browser mode (the real server on a fresh workspace, Debian's Chromium):
// save → new output on screen over typed edits of hello-world's index.ts, cold start to an editor
// that takes input, and the renderer's JavaScript (built, and loaded at startup).
import { execFileSync } from 'node:child_process'
import { globSync, readFileSync, statSync } from 'node:fs'
import { loadavg } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { RENDERER_DIR } from '../main/server/server.ts'
import { CHROMIUM_PATH, hasSystemPart } from '../test-support/system-parts.ts'
import { startStudio, type RunningStudio } from '../e2e/support/studio-server.ts'
import { median } from './measure.ts'
import type { AllResults, BenchContext, BenchSection, Figure, Target } from './section.ts'
import { launchStudioBrowser, type StudioBrowser } from './studio-browser.ts'

const ROOT = join(import.meta.dirname, '..')
const KiB = 1024

export const FIGURES = {
  saveMedian: 'save → output shown (median)',
  saveP95: 'save → output shown (p95)',
  coldMedian: 'browser cold start → editor takes input (median)',
  coldFirst: 'browser cold start, first load',
  jsTotal: 'renderer JS, total built',
  jsBeforeReady: 'renderer JS loaded before the editor is ready',
  jsStartup: 'renderer JS loaded at startup (settled)',
} as const

/** Nearest-rank percentile. */
function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]
}

const ms = (n: number) => `${n.toFixed(0)} ms`

/** Every .js file of the built renderer: bytes and gzip bytes. */
function builtJs(): { files: number; bytes: number; gzipBytes: number } {
  const files = globSync('**/*.js', { cwd: RENDERER_DIR })
  let bytes = 0
  let gzipBytes = 0
  for (const file of files) {
    const path = join(RENDERER_DIR, file)
    bytes += statSync(path).size
    gzipBytes += gzipSync(readFileSync(path)).length
  }
  return { files: files.length, bytes, gzipBytes }
}

const section: BenchSection = {
  title: 'Studio in browser mode (save → output, cold start, renderer JS)',
  order: 60,
  async run(context: BenchContext) {
    // Builds the renderer only when a source is newer than the last build (its chatter shown only on failure).
    const buildStart = performance.now()
    try {
      execFileSync(process.execPath, [join(ROOT, 'scripts', 'build.ts'), '--renderer'], { cwd: ROOT, stdio: 'pipe', timeout: 300_000 })
    } catch (error) {
      const output = (error as { stderr?: Buffer }).stderr?.toString().trim()
      throw new Error(`node scripts/build.ts --renderer failed${output ? `:\n${output}` : ''}`, { cause: error })
    }
    const buildSeconds = (performance.now() - buildStart) / 1000
    if (buildSeconds > 3) context.log(`  renderer rebuilt (${buildSeconds.toFixed(0)} s, not part of any figure)`)
    const js = builtJs()
    const figures: Figure[] = [
      {
        name: FIGURES.jsTotal,
        value: js.bytes / KiB,
        unit: 'KiB',
        detail: `${js.files} .js files in out/renderer; ${(js.gzipBytes / KiB).toFixed(0)} KiB gzipped`,
      },
    ]

    if (!hasSystemPart('chromium')) {
      const reason = `Chromium is not installed (${CHROMIUM_PATH}): only the built JS size measured (apt-get install chromium; never a downloaded browser)`
      context.log(`\n!!! SKIPPED: ${reason}\n`)
      return { figures, skipped: reason }
    }

    const loads = context.quick ? 3 : 5
    const edits = context.quick ? 10 : 50
    let studio: RunningStudio | undefined
    let browser: StudioBrowser | undefined
    // A failure part-way keeps what was measured before it (reported as skipped, with the reason).
    try {
      studio = await startStudio()
      browser = await launchStudioBrowser()
      // The first load on a fresh server: the runtime process starts with it.
      const first = await browser.coldLoad(studio.url)
      const fresh: Awaited<ReturnType<StudioBrowser['coldLoad']>>[] = []
      let last = first
      for (let i = 0; i < loads; i++) {
        last = await browser.coldLoad(studio.url)
        fresh.push(last)
      }
      const problems = [first, ...fresh].flatMap((l) => [...l.externalRequests.map((u) => `external request: ${u}`), ...l.pageErrors])
      if (problems.length) context.log(`  page problems: ${[...new Set(problems)].slice(0, 5).join(' | ')}`)
      const ready = fresh.map((l) => l.editorReadyMs)
      const typed = fresh.map((l) => l.typedLatencyMs)
      figures.push(
        {
          name: FIGURES.coldMedian,
          value: median(ready),
          unit: 'ms',
          detail: `nav → studio:editor-ready, ${loads} fresh contexts; range ${ms(Math.min(...ready))}–${ms(Math.max(...ready))}; DOMContentLoaded ${ms(median(fresh.map((l) => l.domContentLoadedMs)))}; typing shown ${ms(median(typed))} after keydown`,
        },
        {
          name: FIGURES.coldFirst,
          value: first.editorReadyMs,
          unit: 'ms',
          detail: `fresh server, runtime starting meanwhile; DOMContentLoaded ${ms(first.domContentLoadedMs)}; typing shown ${ms(first.typedLatencyMs)} after keydown`,
        },
      )
      // Scripts of a typical load (the median one by editor-ready): the same files every time.
      const typical = [...fresh].sort((a, b) => a.editorReadyMs - b.editorReadyMs)[fresh.length >> 1]
      const sum = (list: { bytes: number }[]) => list.reduce((total, s) => total + s.bytes, 0)
      const early = typical.scripts.filter((s) => s.early)
      const late = typical.scripts.filter((s) => !s.early)
      const startupBytes = sum(typical.scripts)
      const biggest = (list: { url: string; bytes: number }[]) =>
        [...list].sort((a, b) => b.bytes - a.bytes).slice(0, 3).map((s) => `${new URL(s.url).pathname.split('/').pop()?.replace(/-[\w-]{8}\.js$/, '')} ${(s.bytes / KiB).toFixed(0)}`).join(', ') + ` KiB${list.length > 3 ? ', …' : ''}`
      figures.push(
        { name: FIGURES.jsBeforeReady, value: sum(early) / KiB, unit: 'KiB', detail: `${early.length} scripts requested before studio:editor-ready: ${biggest(early)}` },
        {
          name: FIGURES.jsStartup,
          value: startupBytes / KiB,
          unit: 'KiB',
          detail: `${typical.scripts.length} scripts, ${((100 * startupBytes) / js.bytes).toFixed(0)}% of built; ${late.length} after ready: ${biggest(late)}`,
        },
      )
      context.log(`  cold start: first ${ms(first.editorReadyMs)}, then ${ready.map(ms).join(', ')}; ${typical.scripts.length} scripts, ${(startupBytes / KiB).toFixed(0)} KiB; load ${loadavg()[0].toFixed(2)}`)

      // Save → output in the last fresh page (the runtime warm, as after any first run).
      const times = await browser.saveToOutput(last.page, edits)
      figures.push(
        { name: FIGURES.saveMedian, value: median(times), unit: 'ms', detail: `${edits} typed edits of hello-world index.ts; Ctrl+S → studio:output-shown showing the edit` },
        { name: FIGURES.saveP95, value: percentile(times, 95), unit: 'ms', detail: `range ${ms(Math.min(...times))}–${ms(Math.max(...times))}` },
      )
      context.log(`  save → output: median ${ms(median(times))}, p95 ${ms(percentile(times, 95))} over ${edits} edits; load ${loadavg()[0].toFixed(2)}`)
      return { figures }
    } catch (error) {
      const reason = error instanceof Error ? (error.stack ?? error.message) : String(error)
      context.log(`  FAILED part-way: ${reason}`)
      return { figures, skipped: `failed part-way: ${reason.split('\n')[0]}` }
    } finally {
      await browser?.close().catch((error: unknown) => context.log(`  closing the browser failed: ${String(error)}`))
      await studio?.close().catch((error: unknown) => context.log(`  closing the studio failed: ${String(error)}`))
    }
  },
  targets(all: AllResults): Target[] {
    const out: Target[] = []
    const save = all.figures.find((f) => f.name === FIGURES.saveMedian)
    if (save) out.push({ label: 'save → output ≤ 150 ms median', at: { figure: save.name }, actual: save.value, compare: '≤', threshold: 150, unit: 'ms', pass: save.value <= 150 })
    const cold = all.figures.find((f) => f.name === FIGURES.coldMedian)
    if (cold) out.push({ label: 'browser cold start ≤ 2 s', at: { figure: cold.name }, actual: cold.value, compare: '≤', threshold: 2000, unit: 'ms', pass: cold.value <= 2000 })
    return out
  },
}

export default section
