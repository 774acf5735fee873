// Shared by the runner's clock tests: a local HTTP server on 127.0.0.1 for plugin fetches.
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface LocalServer {
  url: string
  host: string
  requests: string[]
  close(): Promise<void>
}

/** Answers every request with `{"status": <status>}` JSON and keeps the paths it was asked for. */
export async function startStatusServer(status: string): Promise<LocalServer> {
  const requests: string[] = []
  const server = createServer((req, res) => {
    requests.push(req.url ?? '')
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(JSON.stringify({ status }))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/status.json`,
    host: `127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

export const T0 = Date.UTC(2024, 0, 1)
export const at = (ms: number) => new Date(T0 + ms).toISOString()
