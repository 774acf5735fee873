// PostHog's console extension: how console.* arguments become one log line, and which level each
// method logs at. The line must never throw, whatever a plugin passes (cycles, BigInt, odd objects).
import type { LogLevel } from '../../common/plugin/event.ts'

export const CONSOLE_METHODS = ['debug', 'log', 'info', 'warn', 'error'] as const
export type ConsoleMethod = (typeof CONSOLE_METHODS)[number]

/** The level a console method logs at; null for methods PostHog's console does not have. */
export function consoleLevel(method: string): LogLevel | null {
  return (CONSOLE_METHODS as readonly string[]).includes(method) ? (method as ConsoleMethod) : null
}

/** PostHog's log `type` for a level (DEBUG, LOG, INFO, WARN, ERROR). */
export function postHogLogType(level: LogLevel): string {
  return level.toUpperCase()
}

/** Where plain JSON.stringify gives up: cycles become "[Circular]", BigInts their digits. */
function forgivingStringify(value: unknown): string | undefined {
  const ancestors: unknown[] = []
  return JSON.stringify(value, function (this: unknown, _key: string, item: unknown) {
    if (typeof item === 'bigint') return item.toString()
    if (typeof item !== 'object' || item === null) return item
    // `this` is the object holding item: drop the ancestors we have left behind.
    while (ancestors.length > 0 && ancestors[ancestors.length - 1] !== this) ancestors.pop()
    if (ancestors.includes(item)) return '[Circular]'
    ancestors.push(item)
    return item
  })
}

function asJson(value: unknown): string {
  let text: string | undefined
  try {
    text = JSON.stringify(value)
  } catch {
    try {
      text = forgivingStringify(value)
    } catch {
      text = '[unserializable]' // a toJSON or getter that throws
    }
  }
  // [undefined].join(' ') gives '' in PostHog, where JSON.stringify answered undefined.
  return text ?? ''
}

function asString(value: unknown): string {
  try {
    return String(value)
  } catch {
    // Objects without a usable toString (Object.create(null), a throwing toString): treat as objects.
    return '[object Object]'
  }
}

function formatOne(value: unknown): string {
  const text = asString(value)
  return text === '[object Object]' || Array.isArray(value) ? asJson(value) : text
}

/** `args.map(a => String(a) === '[object Object]' || Array.isArray(a) ? JSON.stringify(a) : String(a)).join(' ')` */
export function formatConsoleMessage(args: unknown[]): string {
  return args.map(formatOne).join(' ')
}
