// The Debugger pane's breakpoint part: while a plugin call is paused, a "Paused" banner with
// Continue (F5), Step over (F10), Step into (F11), Step out (Shift+F11) and Stop debugging (while a
// call runs in debug mode, Pause stops it at its next statement), the call
// stack, scopes with expandable values, watch expressions and an evaluate box; "Open in Chrome
// DevTools" offers the same session to an external DevTools.
import './breakpoints.css'
import { useState } from 'react'
import type { DebugValue } from '../../common/protocol/debug.ts'
import { useStore } from '../state/store.ts'
import { store } from '../state/studio-state.ts'
import { Dialog } from '../layout/Dialog.tsx'
import { closeConditionDialog, conditionStore } from './condition-dialog.ts'
import { addWatch, debugCommand, debugStore, describeValue, evaluateInFrame, getProperties, openDevtools, removeWatch, selectFrame } from './debug-state.ts'

export function BreakpointsPanel() {
  const paused = useStore(debugStore, (s) => s.paused)
  const frame = useStore(debugStore, (s) => s.frame)
  const pending = useStore(debugStore, (s) => s.pending)
  const count = useStore(debugStore, (s) => s.breakpoints.length)
  const devtools = useStore(debugStore, (s) => s.devtools)
  const busy = pending !== null
  const running = useStore(store, (s) => s.phase === 'stepping' || s.phase === 'running' || s.phase === 'running-all' || s.phase === 'clock')
  const top = paused?.callFrames[0]
  return (
    <div className="breakpoints-panel">
      {paused && top && (
        <div className="paused-banner" role="status" aria-label="Paused">
          <strong>Paused</strong>
          <span>
            in {paused.plugin} at {top.file}:{top.line}
            {paused.hitBreakpoints.length > 0 ? ' (breakpoint)' : paused.reason === 'step' ? ' (step)' : ''} — the call's time limit is not counting
          </span>
        </div>
      )}
      <div className="button-group debug-buttons" role="toolbar" aria-label="Debugging">
        <button type="button" className="small" disabled={!paused || busy} onClick={() => void debugCommand('resume')} aria-keyshortcuts="F5" title="Continue (F5)">
          Continue
        </button>
        <button type="button" className="small" disabled={!running || !!paused || busy || count === 0} onClick={() => void debugCommand('pause')} title="Pause the running call at its next statement (with a breakpoint set: the plugin runs in debug mode)">
          Pause
        </button>
        <button type="button" className="small" disabled={!paused || busy} onClick={() => void debugCommand('stepOver')} aria-keyshortcuts="F10" title="Step over (F10)">
          Step over
        </button>
        <button type="button" className="small" disabled={!paused || busy} onClick={() => void debugCommand('stepInto')} aria-keyshortcuts="F11" title="Step into (F11)">
          Step into
        </button>
        <button type="button" className="small" disabled={!paused || busy} onClick={() => void debugCommand('stepOut')} aria-keyshortcuts="Shift+F11" title="Step out (Shift+F11)">
          Step out
        </button>
        <button type="button" className="small danger" disabled={!paused} onClick={() => void debugCommand('stop')} title="Let the call finish with breakpoints off (setting a breakpoint turns them on again)">
          Stop debugging
        </button>
        <button type="button" className="small" disabled={count === 0 && !paused} onClick={() => void openDevtools()} title="A Chrome DevTools session on the same plugin (127.0.0.1, with a token)">
          Open in Chrome DevTools
        </button>
        {!paused && <span className="muted small-text">{count ? `${count} breakpoint${count === 1 ? '' : 's'}: Step pauses there` : 'Click left of a line number in the editor to set a breakpoint'}</span>}
      </div>
      {devtools && <DevtoolsLink url={devtools.url} plugin={devtools.plugin} />}
      {paused && (
        <div className="paused-details">
          <section aria-label="Call stack" className="debug-section">
            <h3>Call stack</h3>
            <ol className="call-stack">
              {paused.callFrames.map((f, i) => (
                <li key={f.id}>
                  <button type="button" className={`frame ${i === frame ? 'selected' : ''}`} aria-current={i === frame} onClick={() => selectFrame(i)}>
                    <span className="mono">{f.functionName || '(anonymous)'}</span>
                    <span className="muted">
                      {f.file}:{f.line}
                    </span>
                  </button>
                </li>
              ))}
            </ol>
          </section>
          <section aria-label="Scopes" className="debug-section">
            <h3>Scopes</h3>
            <ul className="tree" role="tree">
              {(paused.callFrames[frame]?.scopes ?? []).map((s) => (
                <TreeNode key={s.objectId} name={s.name ? `${s.type}: ${s.name}` : s.type} value={{ type: 'object', objectId: s.objectId, description: '' }} open={s.type === 'local'} scope />
              ))}
            </ul>
          </section>
          <Watches />
          <EvaluateBox />
        </div>
      )}
      <ConditionDialog />
    </div>
  )
}

function TreeNode({ name, value, open: initiallyOpen = false, scope = false }: { name: string; value: DebugValue; open?: boolean; scope?: boolean }) {
  const [open, setOpen] = useState(initiallyOpen)
  const [children, setChildren] = useState<{ name: string; value: DebugValue }[] | null>(null)
  const [error, setError] = useState<string | null>(null)
  const expandable = !!value.objectId
  const load = async () => {
    if (children || !value.objectId) return
    try {
      setChildren(await getProperties(value.objectId))
    } catch (e) {
      setError((e as Error).message)
    }
  }
  if (open && expandable && !children && !error) void load()
  return (
    <li role="treeitem" aria-expanded={expandable ? open : undefined} aria-label={name} className="tree-node">
      <div className="tree-row">
        {expandable ? (
          <button type="button" className="icon-button twisty" aria-label={`${open ? 'Collapse' : 'Expand'} ${name}`} onClick={() => setOpen(!open)}>
            {open ? '▾' : '▸'}
          </button>
        ) : (
          <span className="twisty" />
        )}
        <span className={scope ? 'scope-name' : 'var-name mono'}>{name}</span>
        {!scope && <span className={`var-value mono value-${value.type}`}>{describeValue(value)}</span>}
      </div>
      {open && expandable && (
        <ul role="group">
          {error && <li className="error-text">{error}</li>}
          {children?.map((c) => <TreeNode key={c.name} name={c.name} value={c.value} />)}
          {children?.length === 0 && <li className="muted">(empty)</li>}
        </ul>
      )}
    </li>
  )
}

function Watches() {
  const results = useStore(debugStore, (s) => s.watchResults)
  const watches = useStore(debugStore, (s) => s.watches)
  const [text, setText] = useState('')
  return (
    <section aria-label="Watch" className="debug-section">
      <h3>Watch</h3>
      <ul className="tree">
        {watches.map((w) => {
          const r = results.find((x) => x.expression === w)
          return (
            <li key={w} className="watch-row">
              {r?.value?.objectId && !r.error ? <ul className="tree inline-tree"><TreeNode name={w} value={r.value} /></ul> : (
                <span title={r?.error}>
                  <span className="var-name mono">{w}</span> <span className={`var-value mono ${r?.error ? 'error-text' : ''}`}>{r?.error ?? (r ? describeValue(r.value) : '…')}</span>
                </span>
              )}
              <button type="button" className="icon-button" aria-label={`Remove watch ${w}`} onClick={() => removeWatch(w)}>
                ×
              </button>
            </li>
          )
        })}
      </ul>
      <form
        className="inline-form"
        onSubmit={(e) => {
          e.preventDefault()
          addWatch(text)
          setText('')
        }}
      >
        <input aria-label="Add watch expression" placeholder="Add a watch expression" value={text} onChange={(e) => setText(e.target.value)} className="mono" />
      </form>
    </section>
  )
}

function EvaluateBox() {
  const output = useStore(debugStore, (s) => s.console)
  const [text, setText] = useState('')
  return (
    <section aria-label="Evaluate" className="debug-section">
      <h3>Evaluate</h3>
      <ol className="eval-output" aria-live="polite">
        {output.map((o, i) => (
          <li key={i} className="mono">
            <span className="muted">› {o.expression}</span>
            <br />
            {o.error ? <span className="error-text">{o.error}</span> : describeValue(o.value)}
          </li>
        ))}
      </ol>
      <form
        className="inline-form"
        onSubmit={(e) => {
          e.preventDefault()
          void evaluateInFrame(text)
          setText('')
        }}
      >
        <input aria-label="Evaluate in the paused frame" placeholder="An expression, evaluated in the selected frame" value={text} onChange={(e) => setText(e.target.value)} className="mono" />
      </form>
    </section>
  )
}

function DevtoolsLink({ url, plugin }: { url: string; plugin: string }) {
  const [copied, setCopied] = useState(false)
  return (
    <div className="devtools-link">
      <span className="muted small-text">Chrome DevTools for {plugin} (paste in Chrome's address bar):</span>
      <input readOnly aria-label="DevTools URL" value={url} className="mono" onFocus={(e) => e.target.select()} />
      <button
        type="button"
        className="small"
        onClick={() => {
          void navigator.clipboard?.writeText(url).then(() => setCopied(true))
        }}
      >
        {copied ? 'Copied' : 'Copy DevTools URL'}
      </button>
    </div>
  )
}

function ConditionDialog() {
  const request = useStore(conditionStore, (s) => s.request)
  const onSave = useStore(conditionStore, (s) => s.onSave)
  const [text, setText] = useState<string | null>(null)
  if (!request || !onSave) return null
  const value = text ?? request.condition
  const save = () => {
    void onSave(value).then(() => {
      setText(null)
      closeConditionDialog()
    })
  }
  const close = () => {
    setText(null)
    closeConditionDialog()
  }
  return (
    <Dialog
      title={`Breakpoint condition — ${request.file}:${request.line}`}
      onClose={close}
      onSubmit={save}
      footer={
        <>
          <button type="button" onClick={close}>
            Cancel
          </button>
          <button type="submit" className="primary">
            Save condition
          </button>
        </>
      }
    >
      <label className="field">
        <span>Pause only when this expression is true (empty: always)</span>
        <input autoFocus aria-label="Condition" className="mono" value={value} onChange={(e) => setText(e.target.value)} placeholder='event.event === "$pageview"' />
      </label>
    </Dialog>
  )
}
