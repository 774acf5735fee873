// plugin.json problems in the pane: each with its line and column (a button that reveals it in the
// editor when the app wires onRevealProblem), errors first in weight, warnings quieter.
import type { PluginJsonProblem } from '../../common/plugin/plugin-json.ts'

export function ProblemList(props: { problems: PluginJsonProblem[]; stale: boolean; onReveal?(problem: PluginJsonProblem): void }) {
  const errors = props.problems.filter((p) => (p.severity ?? 'error') === 'error')
  const warnings = props.problems.filter((p) => p.severity === 'warning')
  if (props.problems.length === 0) return null
  const title = errors.length
    ? `plugin.json has ${errors.length} ${errors.length === 1 ? 'problem' : 'problems'}${props.stale ? ': showing the last good form' : ''}`
    : `plugin.json: ${warnings.length} ${warnings.length === 1 ? 'warning' : 'warnings'}`
  return (
    <div className={errors.length ? 'cf-problems cf-problems-error' : 'cf-problems cf-problems-warning'} role={errors.length ? 'alert' : 'status'}>
      <div className="cf-problems-title">{title}</div>
      <ul>
        {[...errors, ...warnings].map((problem, index) => (
          <li key={index} className={problem.severity === 'warning' ? 'cf-problem-warning' : 'cf-problem-error'}>
            {problem.line !== undefined && (
              <button type="button" className="cf-place" disabled={!props.onReveal} onClick={() => props.onReveal?.(problem)}>
                {problem.file}:{problem.line}:{problem.column ?? 1}
              </button>
            )}{' '}
            <span className="cf-problem-message">{problem.message}</span>
          </li>
        ))}
      </ul>
    </div>
  )
}
