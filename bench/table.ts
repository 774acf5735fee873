// The bench's printed report: throughput per plugin and variant with ratios against vm2 and
// direct+JSON, then the single figures, each with its targets marked PASS/MISS.
import type { AllResults, Target } from './section.ts'

export function renderTables(all: AllResults, targets: Target[]): string {
  const out: string[] = []
  if (all.throughput.length) {
    const rows: string[][] = [['plugin', 'variant', 'events/s', 'µs/event', '× vm2', '× direct+JSON', 'target']]
    const plugins = [...new Set(all.throughput.map((t) => t.plugin))]
    for (const plugin of plugins) {
      const mine = all.throughput.filter((t) => t.plugin === plugin)
      const base = (variant: string) => mine.find((t) => t.variant === variant)?.eventsPerSec
      for (const t of mine) {
        const vm2 = base('vm2')
        const json = base('direct+JSON')
        rows.push([
          plugin,
          t.variant,
          Math.round(t.eventsPerSec).toLocaleString('en-US'),
          t.usPerEvent.toFixed(2),
          vm2 ? `${(t.eventsPerSec / vm2).toFixed(2)}×` : '–',
          json ? `${(t.eventsPerSec / json).toFixed(2)}×` : '–',
          describeTargets(targets.filter((g) => 'plugin' in g.at && g.at.plugin === plugin && g.at.variant === t.variant)),
        ])
      }
    }
    out.push(table(rows, [false, false, true, true, true, true, false]))
  }
  if (all.figures.length) {
    const rows: string[][] = [['figure', 'value', 'detail', 'target']]
    for (const f of all.figures) {
      rows.push([f.name, `${formatNumber(f.value)} ${f.unit}`, f.detail ?? '', describeTargets(targets.filter((g) => 'figure' in g.at && g.at.figure === f.name))])
    }
    out.push(table(rows, [false, true, false, false]))
  }
  if (targets.length) {
    const passed = targets.filter((t) => t.pass).length
    out.push(`targets: ${passed}/${targets.length} PASS${passed === targets.length ? '' : ` — MISS: ${targets.filter((t) => !t.pass).map((t) => t.label).join('; ')}`}`)
  }
  return `\n${out.join('\n\n')}\n`
}

function describeTargets(targets: Target[]): string {
  return targets.map((t) => `${t.pass ? 'PASS' : 'MISS'} ${t.compare} ${formatNumber(t.threshold)}${t.unit.startsWith('×') ? '' : ' '}${t.unit}`).join('; ')
}

function formatNumber(n: number): string {
  return Math.abs(n) >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(2)
}

function table(rows: string[][], rightAligned: boolean[]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)))
  const line = (r: string[]) => r.map((cell, c) => (rightAligned[c] ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join('  ').trimEnd()
  return [line(rows[0]), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n')
}
