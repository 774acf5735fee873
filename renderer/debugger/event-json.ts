// Checks the text of the event editor: JSON first (with its line and column), then that it is an
// event PostHog would accept (an object with an "event" name; properties an object).
export interface EventTextProblem {
  line: number
  column: number
  message: string
}

export type EventTextCheck = { ok: true; event: Record<string, unknown> } | { ok: false; problems: EventTextProblem[] }

function place(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset)
  const line = before.split('\n').length
  return { line, column: offset - before.lastIndexOf('\n') }
}

export function checkEventText(text: string): EventTextCheck {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    const raw = error instanceof Error ? error.message : String(error)
    const at = /at position (\d+)/.exec(raw)
    const where = at ? place(text, Number(at[1])) : place(text, text.length)
    const message = raw.replace(/, "[\s\S]*" is not valid JSON$/, '').replace(/ in JSON at position \d+.*$/, '').replace(/^JSON\.parse: /, '')
    return { ok: false, problems: [{ ...where, message }] }
  }
  const firstLine = { line: 1, column: 1 }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return { ok: false, problems: [{ ...firstLine, message: 'An event is a JSON object' }] }
  const event = value as Record<string, unknown>
  const problems: EventTextProblem[] = []
  const lineOfKey = (key: string) => {
    const offset = text.indexOf(`"${key}"`)
    return offset === -1 ? firstLine : place(text, offset)
  }
  if (typeof event.event !== 'string' || event.event.trim() === '') problems.push({ ...lineOfKey('event'), message: 'The event needs an "event" name (a non-empty string)' })
  if (event.properties !== undefined && (event.properties === null || typeof event.properties !== 'object' || Array.isArray(event.properties))) {
    problems.push({ ...lineOfKey('properties'), message: '"properties" must be an object' })
  }
  if (event.distinct_id !== undefined && typeof event.distinct_id !== 'string') problems.push({ ...lineOfKey('distinct_id'), message: '"distinct_id" must be a string' })
  return problems.length ? { ok: false, problems } : { ok: true, event }
}
