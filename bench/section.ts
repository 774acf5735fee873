// The contract of a benchmark section: one file per section (`bench/*.section.ts`), found and run
// in `order` by bench/run.ts, which prints and saves what they return. Add a section by adding a file.
import type { PluginEvent } from '../common/plugin/event.ts'

export interface BenchPlugin {
  /** Folder name under bench/plugins/. */
  id: string
  dir: string
  name: string
  /** plugin.json defaults, as PostHog's UI would fill them. */
  config: Record<string, string>
}

export interface BenchContext {
  quick: boolean
  /** The shared event set (generated, seeded): every section measures on the same events. */
  events: readonly PluginEvent[]
  plugins: readonly BenchPlugin[]
  /** Time to measure one throughput figure, after warming up for warmupMs. */
  budgetMs: number
  warmupMs: number
  log(line: string): void
}

/** Events per second through one plugin in one way of running it. */
export interface Throughput {
  plugin: string
  variant: string
  eventsPerSec: number
  usPerEvent: number
  rounds: number
  events: number
}

/** A single measured number that is not a throughput (cold start, memory, latency…). */
export interface Figure {
  name: string
  value: number
  unit: string
  detail?: string
}

export interface SectionResult {
  throughput?: Throughput[]
  figures?: Figure[]
  /** Why the section could not run (e.g. a missing part); printed, not fatal. */
  skipped?: string
}

export interface AllResults {
  throughput: Throughput[]
  figures: Figure[]
}

export interface Target {
  label: string
  /** Which row of the tables the target sits next to. */
  at: { plugin: string; variant: string } | { figure: string }
  actual: number
  /** `≥` for higher-is-better (ratios), `≤` for costs. */
  compare: '≥' | '≤'
  threshold: number
  unit: string
  pass: boolean
}

/**
 * One way of running one plugin over events. run.ts measures all variants of a plugin interleaved,
 * round by round, so a busy neighbour slows them alike and the ratios between them hold.
 */
export interface ThroughputVariant {
  plugin: string
  variant: string
  /** Hand each round freshly cloned events (the plugin mutates what it gets in this very process). */
  fresh: boolean
  /** The events of one round; the shared set when absent. */
  events?: readonly PluginEvent[]
  process(events: PluginEvent[]): Promise<void>
}

export interface BenchSection {
  title: string
  order: number
  /** Throughput variants to measure (with what to close afterwards). */
  variants?(context: BenchContext): Promise<{ variants: ThroughputVariant[]; close?(): Promise<void> }>
  /** Anything else the section measures itself (single figures). */
  run?(context: BenchContext): Promise<SectionResult>
  /** Targets this section's figures are held to; evaluated on everything measured in the run. */
  targets?(all: AllResults): Target[]
}

export function findThroughput(all: AllResults, plugin: string, variant: string): Throughput | undefined {
  return all.throughput.find((t) => t.plugin === plugin && t.variant === variant)
}

/** `actual compare threshold` as a Target, or nothing when either side was not measured. */
export function ratioTarget(all: AllResults, label: string, plugin: string, variant: string, baseline: string, threshold: number): Target[] {
  const subject = findThroughput(all, plugin, variant)
  const base = findThroughput(all, plugin, baseline)
  if (!subject || !base) return []
  const actual = subject.eventsPerSec / base.eventsPerSec
  return [{ label, at: { plugin, variant }, actual, compare: '≥', threshold, unit: `× ${baseline}`, pass: actual >= threshold }]
}
