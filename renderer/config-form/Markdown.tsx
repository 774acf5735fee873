// Markdown as PostHog renders it in the config form (react-markdown, no raw HTML). Links never open
// inside the app: they carry target=_blank and go to the onOpenLink hook (the system browser).
import { createContext, useContext } from 'react'
import type { MouseEvent, ReactNode } from 'react'
import ReactMarkdown from 'react-markdown'

/** Opens a link in the system browser. Provided by ConfigForm's onOpenLink prop. */
export const OpenLinkContext = createContext<((url: string) => void) | undefined>(undefined)

function Link({ href, children }: { href?: string; children?: ReactNode }) {
  const openLink = useContext(OpenLinkContext)
  // react-markdown blanks unsafe URLs (javascript:, file:, data:, …): show the text and link nothing,
  // since an empty href with target=_blank would open the studio itself in a new tab.
  if (!href) return <span>{children}</span>
  const onClick = (event: MouseEvent<HTMLAnchorElement>) => {
    if (!openLink || !href) return
    event.preventDefault()
    openLink(href)
  }
  return (
    <a href={href} target="_blank" rel="noopener noreferrer" onClick={onClick}>
      {children}
    </a>
  )
}

export function Markdown({ source, className }: { source: string; className?: string }) {
  return (
    <div className={className ? `cf-markdown ${className}` : 'cf-markdown'}>
      <ReactMarkdown components={{ a: Link }}>{source}</ReactMarkdown>
    </div>
  )
}
