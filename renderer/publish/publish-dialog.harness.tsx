// Test page for publish-dialog.browser.test.ts: mounts PublishDialog with an `api` that forwards
// each call as JSON to the test's HTTP server, where the real publish service runs.
import { useEffect, useState } from 'react'
import { createRoot } from 'react-dom/client'
import '../styles/app.css'
import { PublishDialog, type PublishApi } from './PublishDialog.tsx'

async function call(method: string, params: unknown[]): Promise<unknown> {
  const response = await fetch(`/api/${method}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(params) })
  const body = await response.json()
  if (!response.ok) throw new Error(body.message)
  return body.result
}

// Any method name becomes a POST to the test server, which calls the real publish service.
const api = new Proxy({}, { get: (_t, method: string) => (...params: unknown[]) => call(method, params) }) as PublishApi

function Harness() {
  const [progress, setProgress] = useState<string[]>([])
  const [open, setOpen] = useState(true)
  useEffect(() => {
    const timer = setInterval(() => void fetch('/progress').then((r) => r.json()).then(setProgress), 150)
    return () => clearInterval(timer)
  }, [])
  return open ? <PublishDialog plugin="hello-dialog" pluginName="Hello Dialog" api={api} progress={progress} onClose={() => setOpen(false)} /> : <p>closed</p>
}

createRoot(document.getElementById('root')!).render(<Harness />)
