// Runs @doyensec/electronegativity over the Electron shell (main/electron) and compares its findings of
// medium severity or above with the explained list in electronegativity.config.ts.
// `npm run electronegativity` prints the result; scripts/electronegativity.test.ts runs it in CI.
// Offline by construction: its two network uses (translations, Electron's release list) are cut off.
import { createRequire } from 'node:module'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { ACCEPTED_FINDINGS, EXCLUDED_CHECKS, SCANNED_DIR, type AcceptedFinding } from './electronegativity.config.ts'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const require = createRequire(import.meta.url)

interface RawIssue {
  id: string
  file: string
  location: { line: number; column: number }
  severity: { name: string; value: number }
  confidence: { name: string }
  description: string
  manualReview?: boolean
}

export interface Finding {
  id: string
  file: string
  line: number
  severity: string
  confidence: string
  description: string
}

export interface ElectronegativityReport {
  checks: number
  /** Every finding, all severities. */
  findings: Finding[]
  /** Medium or above and not in the accepted list: these fail the check. */
  unexplained: Finding[]
  /** Medium or above and explained in the config. */
  accepted: (Finding & { reason: string })[]
  /** Config entries that matched nothing (stale). */
  stale: AcceptedFinding[]
  /** Files the tool could not parse (a parse failure would hide findings, so it fails too). */
  parseErrors: { file: string; message: string }[]
}

const MEDIUM = 2

/** Replaces the `got` the tool resolves with one that answers 404 at once, so nothing leaves the machine. */
function cutNetwork(): void {
  const toolRequire = createRequire(require.resolve('@doyensec/electronegativity/dist/locales/i18n.js'))
  const gotPath = toolRequire.resolve('got')
  const offline = () => Promise.resolve({ statusCode: 404, body: '' })
  require.cache[gotPath] = { id: gotPath, filename: gotPath, loaded: true, exports: Object.assign(offline, { default: offline }) } as unknown as NodeJS.Module
}

/** `input`: the folder to scan (tests pass a known-bad one to show the check bites). */
export async function runElectronegativity(input = path.join(root, SCANNED_DIR)): Promise<ElectronegativityReport> {
  cutNetwork()
  const run = require('@doyensec/electronegativity/dist/runner.js') as (options: object) => Promise<{ globalChecks: number; atomicChecks: number; errors: { file: string; message: string; tolerable: boolean }[]; issues: RawIssue[] }>
  const electronVersion = (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> }).devDependencies.electron
  const result = await run({
    input,
    isRelative: true,
    electronVersionOverride: electronVersion,
    excludeFromScan: EXCLUDED_CHECKS.map((check) => check.id),
  })
  const findings = result.issues.map((issue) => ({
    id: issue.id,
    file: issue.file,
    line: issue.location.line,
    severity: issue.severity.name,
    confidence: issue.confidence.name,
    description: issue.description,
  }))
  const serious = result.issues.filter((issue) => issue.severity.value >= MEDIUM).map((issue) => findings[result.issues.indexOf(issue)]!)
  const reasonFor = (finding: Finding) => ACCEPTED_FINDINGS.find((entry) => entry.id === finding.id && entry.file === finding.file)?.reason
  return {
    checks: result.globalChecks + result.atomicChecks,
    findings,
    unexplained: serious.filter((finding) => !reasonFor(finding)),
    accepted: serious.flatMap((finding) => {
      const reason = reasonFor(finding)
      return reason ? [{ ...finding, reason }] : []
    }),
    stale: ACCEPTED_FINDINGS.filter((entry) => !serious.some((finding) => finding.id === entry.id && finding.file === entry.file)),
    parseErrors: result.errors.map(({ file, message }) => ({ file, message })),
  }
}

export function formatReport(report: ElectronegativityReport): string {
  const lines = [`electronegativity: ${report.checks} checks over ${SCANNED_DIR}; ${report.findings.length} findings, ${report.accepted.length} explained, ${report.unexplained.length} unexplained (medium or above)`]
  for (const f of report.accepted) lines.push(`  explained  ${f.severity} ${f.id} ${f.file}:${f.line} — ${f.reason}`)
  for (const f of report.unexplained) lines.push(`  FINDING    ${f.severity} ${f.id} ${f.file}:${f.line} — ${f.description}`)
  for (const f of report.findings.filter((x) => !report.accepted.some((a) => a.id === x.id && a.file === x.file) && !report.unexplained.includes(x))) lines.push(`  low        ${f.severity} ${f.id} ${f.file}:${f.line} — ${f.description}`)
  for (const s of report.stale) lines.push(`  STALE      ${s.id} ${s.file} is explained in electronegativity.config.ts but no longer found: remove it`)
  for (const e of report.parseErrors) lines.push(`  UNPARSED   ${e.file}: ${e.message}`)
  return lines.join('\n')
}

export function passes(report: ElectronegativityReport): boolean {
  return report.unexplained.length === 0 && report.stale.length === 0 && report.parseErrors.length === 0
}

if (import.meta.main) {
  const report = await runElectronegativity()
  console.log(formatReport(report))
  process.exitCode = passes(report) ? 0 : 1
}
