// "Publish": one dialog for npm and a self-hosted PostHog. Target, account (from the keychain or a
// sign-in), the checks and the tarball for npm, the project for PostHog, then progress step by step
// and the outcome with its link. It talks to the backend only through `api` (the publish service of
// main/services/publish/publish-service.ts, served over the studio protocol); tokens typed here go
// straight to signIn and are never kept in the UI's state after that.
import { useCallback, useEffect, useRef, useState, type ReactNode, type Ref } from 'react'
import { Dialog } from '../layout/Dialog.tsx'
import { AccountSection } from './AccountSection.tsx'
import { NpmChecks } from './NpmChecks.tsx'
import type { AccountStatus, BumpKind, NpmPrepared, NpmPublishResult, Outcome, PostHogConnection, PostHogPublishResult, PublishApi, PublishTarget, SecretsStatus } from './publish-api.ts'

export type * from './publish-api.ts'

export interface PublishDialogProps {
  /** Plugin id (workspace-relative folder) and its display name. */
  plugin: string
  pluginName: string
  api: PublishApi
  /**
   * Steps reported by the backend (the `publishProgress` event), oldest first. It may keep growing
   * across publishes: the dialog shows only the steps since its last Publish click.
   */
  progress: string[]
  /** Where this plugin was published last time (remembered per plugin by the caller). */
  defaults?: { target?: PublishTarget; registry?: string; host?: string; projectId?: number }
  /** Called after a successful publish so the caller can remember the target for this plugin. */
  onPublished?(target: PublishTarget, where: { registry?: string; host?: string; projectId?: number }): void
  /** A PostHog validation error about a config field: the caller shows it next to that field. */
  onFieldError?(field: string, message: string): void
  onClose(): void
}

const NPMJS = 'https://registry.npmjs.org/'
const ACCESS_NAMES: Record<number, string> = { 0: 'None', 3: 'Config', 6: 'Install', 9: 'Root' }

type Failure = { message: string; attr: string | null }

export function PublishDialog(props: PublishDialogProps) {
  const { api, plugin } = props
  const [target, setTarget] = useState<PublishTarget>(props.defaults?.target ?? 'npm')
  const [registry, setRegistry] = useState(props.defaults?.registry ?? NPMJS)
  const [host, setHost] = useState(props.defaults?.host ?? '')
  const where = target === 'npm' ? registry : host
  const [secrets, setSecrets] = useState<SecretsStatus | null>(null)
  const [account, setAccount] = useState<AccountStatus | null>(null)
  const [busy, setBusy] = useState<string | null>(null)
  const [failure, setFailure] = useState<Failure | null>(null)
  const [bump, setBump] = useState<BumpKind | ''>('')
  const [dryRun, setDryRun] = useState(false)
  const [prepared, setPrepared] = useState<NpmPrepared | null>(null)
  const [connection, setConnection] = useState<PostHogConnection | null>(null)
  const [projectId, setProjectId] = useState<number | null>(props.defaults?.projectId ?? null)
  const [enabled, setEnabled] = useState(true)
  const [npmResult, setNpmResult] = useState<NpmPublishResult | null>(null)
  const [posthogResult, setPosthogResult] = useState<PostHogPublishResult | null>(null)
  const [progressFrom, setProgressFrom] = useState(props.progress.length)
  const steps = props.progress.slice(progressFrom)
  // A failure or an outcome appears at the end of a body that may scroll: bring it into view.
  const failureRef = useRef<HTMLParagraphElement>(null)
  const outcomeRef = useRef<HTMLParagraphElement>(null)
  // (Braces: Chromium's scrollIntoView may return a promise, which React would take for a cleanup.)
  useEffect(() => {
    failureRef.current?.scrollIntoView?.({ block: 'nearest' })
  }, [failure])
  useEffect(() => {
    outcomeRef.current?.scrollIntoView?.({ block: 'nearest' })
  }, [npmResult, posthogResult])

  // Runs one backend call with a busy label; failures land in one alert.
  const run = useCallback(async <T,>(label: string, work: () => Promise<Outcome<T>>, done: (result: T) => void) => {
    setBusy(label)
    setFailure(null)
    try {
      const outcome = await work()
      if (outcome.ok) done(outcome.result)
      else {
        setFailure({ message: outcome.message, attr: outcome.attr })
        if (outcome.attr) props.onFieldError?.(outcome.attr, outcome.message)
      }
    } catch (error) {
      setFailure({ message: error instanceof Error ? error.message : String(error), attr: null })
    } finally {
      setBusy(null)
    }
  }, [props])

  useEffect(() => {
    void api.secretsStatus().then(setSecrets, () => setSecrets({ store: 'none', message: 'Could not ask the backend about the keychain.' }))
  }, [api])

  const refreshAccount = useCallback(() => {
    setAccount(null)
    if (!where.trim()) return
    void api.publishAccount(target, where).then(setAccount, () => setAccount({ signedIn: false, masked: '', source: null }))
  }, [api, target, where])
  useEffect(() => {
    setPrepared(null)
    setConnection(null)
    setNpmResult(null)
    setPosthogResult(null)
    refreshAccount()
  }, [refreshAccount])

  const check = () => run('Checking', () => api.npmPrepare(plugin, { registry, bump: bump || undefined }), setPrepared)
  const connect = () =>
    run('Connecting', () => api.posthogConnect(host), (conn) => {
      setConnection(conn)
      setProjectId((current) => (current !== null && conn.projects.some((p) => p.id === current) ? current : conn.currentProjectId))
    })
  const publish = () => {
    setProgressFrom(props.progress.length)
    return target === 'npm'
      ? run('Publishing', () => api.npmPublish(plugin, { registry, bump: bump || undefined, dryRun }), (result) => {
          setNpmResult(result)
          setPrepared(result)
          if (result.outcome === 'published') props.onPublished?.('npm', { registry })
          // The checks ran again at publish time (e.g. the version was published meanwhile): say so
          // next to the button, not only in the list above.
          if (result.outcome === 'checks-failed') {
            const failed = result.checks.filter((c) => c.status === 'fail').map((c) => c.message)
            setFailure({ message: `${failed.join(' ')} Nothing was published.`, attr: null })
          }
        })
      : run('Publishing', () => api.posthogPublish(plugin, { host, projectId: projectId ?? undefined, enabled }), (result) => {
          setPosthogResult(result)
          props.onPublished?.('posthog', { host, projectId: result.projectId })
        })
  }

  const signedIn = account?.signedIn ?? false
  const canPublish =
    !busy &&
    (target === 'npm' ? !!prepared?.ok && (signedIn || dryRun) : !!connection?.canInstall && projectId !== null && signedIn)

  return (
    <Dialog
      title={`Publish ${props.pluginName}`}
      wide
      onClose={props.onClose}
      onSubmit={() => void (canPublish && publish())}
      footer={
        <>
          <button type="button" onClick={props.onClose}>
            Close
          </button>
          <button type="submit" className="primary" disabled={!canPublish}>
            {target === 'npm' ? (dryRun ? 'Dry run' : 'Publish to npm') : 'Publish to PostHog'}
          </button>
        </>
      }
    >
      <fieldset className="field">
        <legend>Target</legend>
        <label>
          <input type="radio" name="publish-target" checked={target === 'npm'} onChange={() => setTarget('npm')} /> npm registry
        </label>{' '}
        <label>
          <input type="radio" name="publish-target" checked={target === 'posthog'} onChange={() => setTarget('posthog')} /> PostHog instance
        </label>
      </fieldset>

      {target === 'npm' ? (
        <label className="field">
          <span>Registry</span>
          <input value={registry} onChange={(e) => setRegistry(e.target.value)} placeholder={NPMJS} spellCheck={false} />
        </label>
      ) : (
        <label className="field">
          <span>PostHog address</span>
          <input value={host} onChange={(e) => setHost(e.target.value)} placeholder="https://posthog.example.com" spellCheck={false} />
        </label>
      )}

      {secrets?.store === 'none' && (
        <div role="alert" className="form-error">
          <p>{secrets.message}</p>
          <button type="button" onClick={() => void api.acceptSessionOnlySecrets().then(() => api.secretsStatus().then(setSecrets))}>
            Keep tokens for this session only
          </button>
        </div>
      )}
      {secrets?.store === 'session' && <p className="muted">{secrets.message}</p>}

      {where.trim() && secrets && secrets.store !== 'none' && (
        <AccountSection
          target={target}
          account={account}
          busy={!!busy}
          onSignIn={(token) =>
            run('Signing in', () => api.signIn(target, where, token), () => refreshAccount())
          }
          onSignOut={() => void api.signOut(target, where).then(refreshAccount)}
        />
      )}

      {target === 'npm' && (
        <section aria-label="npm package">
          <div className="field-row">
            <label className="field">
              <span>Version</span>
              <select aria-label="Version" value={bump} onChange={(e) => { setBump(e.target.value as BumpKind | ''); setPrepared(null) }}>
                <option value="">Keep the current version</option>
                <option value="patch">Patch (x.y.Z)</option>
                <option value="minor">Minor (x.Y.0)</option>
                <option value="major">Major (X.0.0)</option>
              </select>
            </label>
            <label>
              <input type="checkbox" checked={dryRun} onChange={(e) => setDryRun(e.target.checked)} /> Dry run (nothing is sent)
            </label>
            <button type="button" onClick={() => void check()} disabled={!!busy || !registry.trim()}>
              Check
            </button>
          </div>
          {prepared && <NpmChecks prepared={prepared} />}
        </section>
      )}

      {target === 'posthog' && signedIn && (
        <section aria-label="PostHog project">
          <button type="button" onClick={() => void connect()} disabled={!!busy}>
            {connection ? 'Reconnect' : 'Connect'}
          </button>
          {connection && (
            <>
              <p>
                Organization <strong>{connection.organization.name}</strong>, plugin access level{' '}
                {ACCESS_NAMES[connection.organization.pluginsAccessLevel] ?? connection.organization.pluginsAccessLevel}
                {!connection.canInstall && ' — too low to install plugins (needs Install or Root).'}
              </p>
              <label className="field">
                <span>Project</span>
                <select aria-label="Project" value={projectId ?? ''} onChange={(e) => setProjectId(Number(e.target.value))}>
                  {connection.projects.map((p) => (
                    <option key={p.id} value={p.id}>
                      {p.name} (#{p.id})
                    </option>
                  ))}
                </select>
              </label>
              <label>
                <input type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} /> Enable the plugin in this project
              </label>
              <p className="muted">The configuration form's values are sent with it, secrets included; attachments are uploaded.</p>
            </>
          )}
        </section>
      )}

      {(busy || steps.length > 0) && (
        <section aria-label="Progress">
          <ol className="publish-progress">
            {steps.map((step, i) => (
              <li key={i}>{step}</li>
            ))}
          </ol>
          {busy && <p aria-live="polite">{busy}…</p>}
        </section>
      )}

      {failure && (
        <p role="alert" className="form-error" ref={failureRef}>
          {failure.message}
          {failure.attr && <> (field “{failure.attr}”)</>}
        </p>
      )}

      {npmResult && npmResult.outcome !== 'checks-failed' && (
        <OutcomeNote noteRef={outcomeRef}>
          {npmResult.outcome === 'dry-run' ? (
            <>Dry run passed: nothing was sent to {npmResult.registry}.</>
          ) : (
            <>
              Published {npmResult.preview?.name}@{npmResult.preview?.version}.{' '}
              {npmResult.packageUrl && <a href={npmResult.packageUrl} target="_blank" rel="noreferrer">{npmResult.packageUrl}</a>}
              {npmResult.wrote.length > 0 && <> Saved {npmResult.wrote.join(', ')}.</>}
            </>
          )}
        </OutcomeNote>
      )}
      {posthogResult && (
        <OutcomeNote noteRef={outcomeRef}>
          {posthogResult.plugin.created ? 'Created' : 'Updated'} “{posthogResult.plugin.name}” and {posthogResult.pluginConfig.created ? 'installed it in' : 'updated it in'} project{' '}
          {posthogResult.projectId} ({posthogResult.pluginConfig.enabled ? 'enabled' : 'disabled'}).{' '}
          <a href={posthogResult.pluginUrl} target="_blank" rel="noreferrer">Open in PostHog</a>
        </OutcomeNote>
      )}
    </Dialog>
  )
}

function OutcomeNote({ children, noteRef }: { children: ReactNode; noteRef: Ref<HTMLParagraphElement> }) {
  return (
    <p role="status" className="publish-outcome" ref={noteRef}>
      {children}
    </p>
  )
}
