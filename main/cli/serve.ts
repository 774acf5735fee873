// `plugin-studio serve`: the studio in a browser (DESIGN.md §3, browser mode) on 127.0.0.1, until
// SIGINT/SIGTERM. The URL carries the per-launch token, so it is the one thing printed.
import { resolve } from 'node:path'
import { statSync } from 'node:fs'
import { EXIT, InputError, parseCommandArgs } from './cli-error.ts'

export const SERVE_HELP = `Usage: plugin-studio serve [<workspace-dir>] [--port P]

Serves the studio to a browser on 127.0.0.1 (browser mode) and prints its URL, which carries a
per-launch token: anyone with the URL can use the studio. Stops on Ctrl+C (SIGINT) or SIGTERM.

Options:
  <workspace-dir>  The folder with your plugins (default: the current folder).
  --port <P>       The port to listen on (default: a free one).
  -h, --help       Show this help.
`

export async function serveCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('serve', argv, { port: { type: 'string' }, help: { type: 'boolean', short: 'h' } } as const)
  if (values.help) {
    process.stdout.write(SERVE_HELP)
    return EXIT.ok
  }
  if (positionals.length > 1) throw new InputError(`one workspace folder at most, got ${positionals.length} (see plugin-studio serve --help)`)
  const workspaceDir = resolve(positionals[0] ?? '.')
  let isDir = false
  try {
    isDir = statSync(workspaceDir).isDirectory()
  } catch {}
  if (!isDir) throw new InputError(`${positionals[0] ?? '.'}: no such workspace folder`)
  const port = values.port === undefined ? 0 : Number(values.port)
  if (values.port !== undefined && (!/^\d+$/.test(values.port) || port > 65535)) throw new InputError(`--port expects a port number (0–65535; 0 = a free one), got '${values.port}'`)

  // Loaded only now, so `--help` and bad flags answer without starting the backend's modules.
  const { startServer } = await import('../server/server.ts')
  const server = await startServer({ workspaceDir, port })
  process.stdout.write(`Plugin Studio is serving ${workspaceDir}\nOpen ${withToken(server.url, server.token)}\n`)
  await new Promise<void>((done) => {
    const stop = () => {
      process.off('SIGINT', stop)
      process.off('SIGTERM', stop)
      done()
    }
    process.on('SIGINT', stop)
    process.on('SIGTERM', stop)
  })
  await server.close()
  return EXIT.ok
}

/** The server may already put the token in its URL; add it only when it does not. */
function withToken(url: string, token: string): string {
  if (url.includes(token)) return url
  const u = new URL(url)
  u.searchParams.set('token', token)
  return u.toString()
}
