// Stack traces from inside the isolate name the compiled script; this maps each frame back to the
// plugin's own file, line and column through esbuild's source map, and cuts the sandbox's frames.
import { SourceMap } from 'node:module'
import type { SourceMapPayload } from './compile.ts'

export class StackMapper {
  private readonly map: SourceMap
  /** The filename the script was compiled under (what the stack shows). */
  private readonly scriptName: string
  /** What to show instead: the plugin file, relative to its folder. */
  private readonly displayName: string

  constructor(payload: SourceMapPayload, scriptName: string, displayName: string) {
    this.scriptName = scriptName
    this.displayName = displayName
    this.map = new SourceMap(payload as unknown as ConstructorParameters<typeof SourceMap>[0])
  }

  /** Maps `at fn (script:L:C)` frames; drops the sandbox's own frames. */
  mapStack(stack: string | undefined): string | undefined {
    if (!stack) return stack
    const out: string[] = []
    for (const line of stack.split('\n')) {
      // The sandbox's own frames and isolated-vm's marker for a host call are not the plugin's business.
      if (line.includes('plugin-studio:bootstrap') || line.includes('<isolated-vm boundary>')) continue
      const mapped = line.replace(/\(?([^\s()]+):(\d+):(\d+)\)?$/, (whole, file: string, l: string, c: string) => {
        if (file !== this.scriptName) return whole
        const pos = this.position(Number(l), Number(c))
        const text = pos ? `${this.displayName}:${pos.line}:${pos.column}` : `${this.displayName} (compiled):${l}:${c}`
        return whole.startsWith('(') ? `(${text})` : text
      })
      out.push(mapped)
    }
    return out.join('\n')
  }

  /** 1-based generated position → 1-based original position. */
  position(line: number, column: number): { line: number; column: number } | null {
    const entry = this.map.findEntry(line - 1, column - 1) as { originalLine?: number; originalColumn?: number }
    if (entry?.originalLine === undefined) return null
    return { line: entry.originalLine + 1, column: (entry.originalColumn ?? 0) + 1 }
  }
}
