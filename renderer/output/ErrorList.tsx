// Errors with their stacks; frames in the user's files are links that move the editor's cursor there.
import type { RunError } from './run-errors.ts'
import type { SourcePlace } from './stack-frames.ts'
import { openFile } from '../state/file-actions.ts'
import { revealPosition } from '../editor/editor-control.ts'
import { attempt } from '../state/studio-state.ts'

export async function goTo(place: SourcePlace): Promise<void> {
  await openFile(place.path)
  revealPosition(place.path, place.line, place.column)
}

const short = (place: SourcePlace) => `${place.path.slice(place.path.lastIndexOf('/') + 1)}:${place.line}:${place.column}`

export function ErrorList({ errors }: { errors: RunError[] }) {
  return (
    <ul className="error-list">
      {errors.map((error, i) => (
        <li key={i} className="run-error">
          <div className="run-error-title">
            <span className="badge error">error</span> {error.title}
            {error.place && (
              <button type="button" className="link-button source-link" onClick={() => attempt(goTo(error.place!))} title={`Go to ${error.place.path} line ${error.place.line}`}>
                {short(error.place)}
              </button>
            )}
          </div>
          <pre className="run-error-message">{error.message}</pre>
          {error.frames.length > 0 && (
            <ol className="stack" aria-label="Stack">
              {error.frames.map((frame, j) => (
                <li key={j} className={frame.place ? 'user-frame' : 'other-frame'}>
                  {frame.place ? (
                    <button type="button" className="link-button" onClick={() => attempt(goTo(frame.place!))}>
                      {frame.fn ? `${frame.fn} ` : ''}({frame.place.path}:{frame.place.line}:{frame.place.column})
                    </button>
                  ) : (
                    <span>{frame.text}</span>
                  )}
                </li>
              ))}
            </ol>
          )}
        </li>
      ))}
    </ul>
  )
}
