// `plugin-studio`: the command-line front door (DESIGN.md §5) — run · serve · publish.
// Each subcommand loads only its own modules, so `run` in CI does not pay for the server.
import { EXIT, InputError } from './cli/cli-error.ts'

const HELP = `Usage: plugin-studio <command> [options]

Commands:
  run <plugin-dir>... --events <file>   Run plugins on events in the real plugin runtime
  serve [<workspace-dir>] [--port P]    Serve the studio to a browser on 127.0.0.1
  publish npm <plugin-dir>              Publish a plugin to an npm registry
  publish posthog <plugin-dir> --host URL
                                        Install or update a plugin on a self-hosted PostHog

Run "plugin-studio <command> --help" for a command's options.
`

const COMMANDS: Record<string, (argv: string[]) => Promise<number>> = {
  run: async (argv) => (await import('./cli/run.ts')).runCommand(argv),
  serve: async (argv) => (await import('./cli/serve.ts')).serveCommand(argv),
  publish: async (argv) => (await import('./cli/publish.ts')).runPublish(argv),
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(HELP)
    return command === undefined ? EXIT.badInput : EXIT.ok
  }
  const handler = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined
  if (!handler) {
    const what = command.startsWith('-') ? `unknown option ${command}` : `unknown command '${command}'`
    throw new InputError(`${what} (commands: run, serve, publish; see plugin-studio --help)`)
  }
  try {
    return await handler(rest)
  } catch (error) {
    if (error instanceof InputError) error.command ??= command
    throw error
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code
  },
  (error: unknown) => {
    if (error instanceof InputError) {
      process.stderr.write(`plugin-studio${error.command ? ` ${error.command}` : ''}: ${error.message}\n`)
      process.exitCode = error.exitCode
      return
    }
    const message = error instanceof Error ? error.message : String(error)
    process.stderr.write(`plugin-studio: ${message.replace(/\s+/g, ' ')}\n`)
    process.exitCode = EXIT.failed
  },
)
