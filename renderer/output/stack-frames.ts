// Turns an error's stack (V8 frames, already source-mapped by the runtime) or a compile error's
// "file:line:col: message" into places in the user's files that the Output pane can link to.

export interface SourcePlace {
  /** Workspace-relative path of a file the studio knows. */
  path: string
  line: number
  column: number
}

export interface StackFrame {
  /** The frame as written, trimmed. */
  text: string
  /** Function name, when the frame has one. */
  fn: string | null
  /** Where it points in the user's files; null for frames outside them (runtime internals). */
  place: SourcePlace | null
}

export interface StackContext {
  /** Absolute workspace folder on the backend's machine. */
  workspaceDir: string
  /** The plugin the error came from (workspace-relative folder). */
  plugin: string
  /** Workspace-relative paths of the plugin's files. */
  files: readonly string[]
}

const V8_FRAME = /^\s*at (?:(.*?) \()?(.+?):(\d+):(\d+)\)?\s*$/
const COMPILE_LOCATION = /^\s*(?:✘ \[ERROR\] |[\w.]*Error: )?((?:[a-zA-Z]:)?[^\s:()]+\.(?:[cm]?[jt]sx?|json)):(\d+):(\d+):?\s*(.*)$/

function normalise(path: string): string {
  return path.replace(/^file:\/\//, '').replace(/\\/g, '/').replace(/^\.\//, '')
}

/** Maps a location as the runtime wrote it to a workspace file, or null. */
export function resolvePlace(location: string, context: StackContext): string | null {
  const files = new Set(context.files)
  const loc = normalise(location)
  const root = normalise(context.workspaceDir).replace(/\/$/, '')
  if (root && loc.startsWith(`${root}/`)) {
    const relative = loc.slice(root.length + 1)
    return files.has(relative) ? relative : null
  }
  if (files.has(loc)) return loc
  const inPlugin = `${context.plugin}/${loc.replace(/^\/+/, '')}`
  if (files.has(inPlugin)) return inPlugin
  // A path the runtime shortened or prefixed differently: the longest matching tail inside the plugin.
  // An absolute path elsewhere must at least name the plugin's folder (runtime internals do not).
  const parts = loc.split('/').filter(Boolean)
  const absolute = loc.startsWith('/') || /^[a-zA-Z]:\//.test(loc)
  const minimum = absolute ? context.plugin.split('/').length + 1 : 1
  for (let take = parts.length; take >= minimum; take--) {
    const tail = parts.slice(-take).join('/')
    const match = context.files.find((file) => file.startsWith(`${context.plugin}/`) && (file === tail || file.endsWith(`/${tail}`)))
    if (match) return match
  }
  return null
}

/** Frames of a stack (or compile error text), in order; lines that are not frames are left out. */
export function parseStack(stack: string, context: StackContext): StackFrame[] {
  const frames: StackFrame[] = []
  for (const line of stack.split('\n')) {
    const v8 = V8_FRAME.exec(line)
    const compile = v8 ? null : COMPILE_LOCATION.exec(line)
    const match = v8 ?? compile
    if (!match) continue
    const [, first, second, third, fourth] = match
    const location = v8 ? second : first
    const lineNumber = Number(v8 ? third : second)
    const column = Number(v8 ? fourth : third)
    const path = resolvePlace(location, context)
    frames.push({
      text: line.trim(),
      fn: v8 ? (first ?? null) : null,
      place: path ? { path, line: lineNumber, column } : null,
    })
  }
  return frames
}

/** The first place in the user's files, where the error is shown in the editor. */
export function firstUserPlace(frames: readonly StackFrame[]): SourcePlace | null {
  return frames.find((frame) => frame.place)?.place ?? null
}
