// Errors the command line reports as one line on stderr, with the exit code they mean.
import { parseArgs, type ParseArgsConfig } from 'node:util'

/** Exit codes of `plugin-studio` (listed in `--help`). */
export const EXIT = { ok: 0, failed: 1, badInput: 2 } as const

/** Bad input from the user: a flag, a file, a plugin folder. Reported as `plugin-studio <cmd>: <message>`. */
export class InputError extends Error {
  readonly exitCode: number = EXIT.badInput
  /** The subcommand it concerns, for the `plugin-studio <command>:` prefix. */
  command?: string
}

type Options = NonNullable<ParseArgsConfig['options']>

/**
 * node:util parseArgs in strict mode, with its multi-sentence errors rewritten as one line that
 * points at `--help`.
 */
export function parseCommandArgs<O extends Options>(command: string, args: string[], options: O) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: true })
  } catch (error) {
    const code = (error as { code?: string }).code
    const message = error instanceof Error ? error.message : String(error)
    const flag = /'(-[^' ]*)/.exec(message)?.[1] ?? ''
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') throw new InputError(`unknown option ${flag} (see plugin-studio ${command} --help)`)
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      if (/argument missing/.test(message)) throw new InputError(`${flag} needs a value (see plugin-studio ${command} --help)`)
      throw new InputError(`${flag} takes no value (see plugin-studio ${command} --help)`)
    }
    throw new InputError(message.replace(/\s+/g, ' '))
  }
}

/** A positive whole number from a flag value, or an InputError naming the flag. */
export function positiveInteger(flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback
  if (!/^\d+$/.test(value) || Number(value) <= 0) throw new InputError(`${flag} expects a positive whole number, got '${value}'`)
  return Number(value)
}
