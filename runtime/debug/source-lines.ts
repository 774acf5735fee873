// Both directions between the user's source lines (what the editor's gutter shows) and the compiled
// script's lines (what V8's inspector speaks), from esbuild's source map. Node's SourceMap only
// answers generated → original, so the mappings are decoded here once and indexed both ways.
import { dirname, resolve } from 'node:path'
import type { SourceMapPayload } from '../compile.ts'

/** 0-based line and column in the compiled script (CDP's numbering). */
export interface GeneratedPosition {
  line: number
  column: number
}

/** An absolute source file with a 1-based line and column (the editor's numbering). */
export interface SourcePosition {
  file: string
  line: number
  column: number
}

interface Segment {
  genLine: number
  genColumn: number
  source: number
  line: number
  column: number
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'
const DIGIT = new Map([...BASE64].map((c, i) => [c, i]))

/** Decodes one segment's base64 VLQ fields. */
function decodeVlq(text: string): number[] {
  const out: number[] = []
  let value = 0
  let shift = 0
  for (const c of text) {
    const digit = DIGIT.get(c)
    if (digit === undefined) throw new Error(`Bad source map character ${JSON.stringify(c)}`)
    value += (digit & 31) << shift
    if (digit & 32) {
      shift += 5
      continue
    }
    out.push(value & 1 ? -(value >>> 1) : value >>> 1)
    value = 0
    shift = 0
  }
  return out
}

export class SourceLines {
  /** Absolute path of each source in the map. */
  readonly files: string[]
  /** Segments in generated order (line, then column). */
  private readonly segments: Segment[] = []
  /** source index → original 1-based line → its segments, first generated position first. */
  private readonly byLine = new Map<number, Map<number, Segment[]>>()

  /** `entryFile`: the compiled entry (absolute); the map's sources are relative to its folder. */
  constructor(map: SourceMapPayload, entryFile: string) {
    const base = dirname(entryFile)
    this.files = map.sources.map((s) => resolve(base, s))
    let source = 0
    let line = 0
    let column = 0
    map.mappings.split(';').forEach((text, genLine) => {
      let genColumn = 0
      for (const part of text.split(',')) {
        if (!part) continue
        const f = decodeVlq(part)
        genColumn += f[0]
        if (f.length < 4) continue
        source += f[1]
        line += f[2]
        column += f[3]
        const segment = { genLine, genColumn, source, line: line + 1, column: column + 1 }
        this.segments.push(segment)
        let lines = this.byLine.get(source)
        if (!lines) this.byLine.set(source, (lines = new Map()))
        const list = lines.get(segment.line)
        if (list) list.push(segment)
        else lines.set(segment.line, [segment])
      }
    })
  }

  /** Whether `file` (absolute) is one of this script's sources. */
  has(file: string): boolean {
    return this.files.includes(file)
  }

  /**
   * Where a breakpoint on `file`:`line` goes in the compiled script: the first code generated for that
   * line, or for the next line with code (a blank or comment line moves down, as editors do), within 20 lines.
   */
  generatedFor(file: string, line: number): (GeneratedPosition & { sourceLine: number }) | null {
    const lines = this.byLine.get(this.files.indexOf(file))
    if (!lines) return null
    for (let l = line; l < line + 20; l++) {
      const list = lines.get(l)
      if (!list?.length) continue
      // The statement's start: the leftmost original column, then the earliest generated position.
      const first = [...list].sort((a, b) => a.column - b.column || a.genLine - b.genLine || a.genColumn - b.genColumn)[0]
      return { line: first.genLine, column: first.genColumn, sourceLine: l }
    }
    return null
  }

  /** The source position of a 0-based compiled position (the segment at or left of it on that line). */
  original(line: number, column: number): SourcePosition | null {
    let lo = 0
    let hi = this.segments.length - 1
    let found: Segment | null = null
    while (lo <= hi) {
      const mid = (lo + hi) >> 1
      const s = this.segments[mid]
      if (s.genLine < line || (s.genLine === line && s.genColumn <= column)) {
        found = s
        lo = mid + 1
      } else hi = mid - 1
    }
    if (!found || found.genLine !== line) {
      // Before the line's first mapping (indentation): the line's first segment.
      const next = this.segments[lo]
      if (!next || next.genLine !== line) return null
      found = next
    }
    return { file: this.files[found.source], line: found.line, column: found.column }
  }
}
