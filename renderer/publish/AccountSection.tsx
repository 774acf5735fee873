// The account part of the Publish dialog: who is signed in (masked), Sign out, or a token field.
import { useState } from 'react'
import type { AccountStatus, PublishTarget } from './publish-api.ts'

export function AccountSection(props: { target: PublishTarget; account: AccountStatus | null; busy: boolean; onSignIn(token: string): Promise<void>; onSignOut(): void }) {
  const [token, setToken] = useState('')
  if (!props.account) return <p className="muted">Looking for a saved token…</p>
  if (props.account.signedIn) {
    return (
      <p>
        Signed in with <code>{props.account.masked}</code>
        {props.account.source === 'environment' ? ' (from the environment)' : props.account.source === 'session' ? ' (this session only)' : ' (OS keychain)'}{' '}
        {props.account.source !== 'environment' && (
          <button type="button" onClick={props.onSignOut}>
            Sign out
          </button>
        )}
      </p>
    )
  }
  const label = props.target === 'npm' ? 'npm access token' : 'Personal API key'
  return (
    <div className="field-row">
      <label className="field">
        <span>{label}</span>
        <input type="password" autoComplete="off" value={token} onChange={(e) => setToken(e.target.value)} spellCheck={false} />
      </label>
      <button
        type="button"
        disabled={props.busy || !token.trim()}
        onClick={() => {
          const typed = token.trim()
          // The token leaves the UI's state at once: the backend keeps it in the keychain.
          setToken('')
          void props.onSignIn(typed)
        }}
      >
        Sign in
      </button>
    </div>
  )
}
