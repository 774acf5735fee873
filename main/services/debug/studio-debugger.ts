// The studio's side of breakpoint debugging: the workspace's breakpoints (kept in
// .plugin-studio/breakpoints.json), relayed to the runtime's debug relay with absolute paths, and the
// runtime's pauses relayed back with workspace-relative ones. The pipeline runs in debug mode while
// breakpoints exist (see ARCHITECTURE.md "Debugging" for the measured cost).
import path from 'node:path'
import { mkdir, readFile } from 'node:fs/promises'
import type { DebugCommand, DebugPaused, DebugProperty, DebugValue } from '../../../common/protocol/runtime.ts'
import type { DebugEvents, StudioBreakpoint, StudioBreakpointState, StudioPaused } from '../../../common/protocol/debug.ts'
import { writeFileAtomic } from '../workspace/atomic-write.ts'
import type { PipelineRunner } from '../pipeline-session.ts'
import { DevtoolsEndpoint } from './devtools-endpoint.ts'

export const BREAKPOINTS_FILE = '.plugin-studio/breakpoints.json'

type Emit = <K extends keyof DebugEvents>(name: K, payload: DebugEvents[K]) => void

export class StudioDebugger {
  private readonly workspaceDir: string
  private readonly emit: Emit
  private readonly runner: () => PipelineRunner | null
  private breakpoints: StudioBreakpoint[] | null = null
  private states: StudioBreakpointState[] = []
  private devtools: DevtoolsEndpoint | null = null
  private subscribed: PipelineRunner | null = null

  constructor(options: { workspaceDir: string; emit: Emit; runner: () => PipelineRunner | null }) {
    this.workspaceDir = options.workspaceDir
    this.emit = options.emit
    this.runner = options.runner
  }

  /** Whether loads should be in debug mode: while any breakpoint exists. */
  async wanted(): Promise<boolean> {
    return (await this.list()).length > 0
  }

  async getBreakpoints(): Promise<StudioBreakpointState[]> {
    const list = await this.list()
    return list.map((b) => this.states.find((s) => s.file === b.file && s.line === b.line) ?? { ...b, verified: false })
  }

  async setBreakpoints(list: StudioBreakpoint[]): Promise<StudioBreakpointState[]> {
    if (!Array.isArray(list)) throw new Error('Breakpoints are a list of {file, line, condition?}')
    const clean: StudioBreakpoint[] = []
    for (const b of list) {
      if (!b || typeof b.file !== 'string' || !b.file || !Number.isInteger(b.line) || b.line < 1) throw new Error(`A breakpoint needs a workspace file and a line (1 or more), not ${JSON.stringify(b)}`)
      if (b.condition !== undefined && typeof b.condition !== 'string') throw new Error(`A breakpoint's condition is an expression (text), not ${JSON.stringify(b.condition)}`)
      const file = b.file.split(path.sep).join('/')
      if (path.isAbsolute(file) || file.split('/').includes('..')) throw new Error(`Breakpoint file ${JSON.stringify(b.file)} is not inside the workspace`)
      clean.push({ file, line: b.line, ...(b.condition?.trim() ? { condition: b.condition.trim() } : {}) })
    }
    this.breakpoints = clean
    const file = path.join(this.workspaceDir, ...BREAKPOINTS_FILE.split('/'))
    await mkdir(path.dirname(file), { recursive: true })
    await writeFileAtomic(file, `${JSON.stringify(clean, null, 2)}\n`, { label: BREAKPOINTS_FILE })
    await this.place()
    return this.getBreakpoints()
  }

  /** After a load (debug mode): the breakpoints go to the fresh pipeline; the runtime's events come here. */
  async afterLoad(runner: PipelineRunner): Promise<void> {
    if (this.subscribed !== runner) {
      this.subscribed = runner
      runner.on('debugPaused', (p) => this.emit('debugPaused', this.relative(p)))
      runner.on('debugResumed', (r) => this.emit('debugResumed', r))
      runner.on('debugCdp', (m) => this.devtools?.fromRuntime(m))
    }
    await this.place()
  }

  command(command: DebugCommand): Promise<void> {
    return this.need().debugCommand(command)
  }

  evaluate(callFrameId: string, expression: string): Promise<{ value: DebugValue; error?: string }> {
    if (typeof expression !== 'string' || !expression.trim()) return Promise.reject(new Error('Nothing to evaluate'))
    return this.need().debugEvaluate(callFrameId, expression)
  }

  getProperties(objectId: string): Promise<DebugProperty[]> {
    return this.need().debugGetProperties(objectId)
  }

  /** The DevTools endpoint (started on first use, 127.0.0.1 only, a fresh token each start). */
  async devtoolsUrl(plugin?: string): Promise<{ url: string; ws: string; plugin: string }> {
    const runner = this.need()
    this.devtools ??= await DevtoolsEndpoint.start({ runner: () => this.runner() })
    let target = plugin
    if (!target) {
      // The first plugin in debug mode: the runtime names it.
      const probe = await runner.debugCdpOpen()
      await runner.debugCdpClose(probe.session)
      target = probe.plugin
    }
    const ws = this.devtools.address(target)
    return { ws, url: `devtools://devtools/bundled/inspector.html?ws=${ws}`, plugin: target }
  }

  async close(): Promise<void> {
    await this.devtools?.close()
    this.devtools = null
  }

  private need(): PipelineRunner {
    const runner = this.runner()
    if (!runner) throw new Error('No pipeline is running: Step an event first')
    return runner
  }

  private async list(): Promise<StudioBreakpoint[]> {
    if (this.breakpoints) return this.breakpoints
    try {
      const parsed = JSON.parse(await readFile(path.join(this.workspaceDir, ...BREAKPOINTS_FILE.split('/')), 'utf8')) as unknown
      this.breakpoints = Array.isArray(parsed) ? parsed.filter((b): b is StudioBreakpoint => !!b && typeof b.file === 'string' && Number.isInteger(b.line)) : []
    } catch {
      this.breakpoints = []
    }
    return this.breakpoints
  }

  private async place(): Promise<void> {
    const runner = this.runner()
    if (!runner || this.subscribed !== runner) return
    const list = await this.list()
    try {
      const placed = await runner.debugSetBreakpoints(list.map((b) => ({ ...b, file: path.join(this.workspaceDir, ...b.file.split('/')) })))
      this.states = placed.map((s) => ({ file: this.rel(s.file), line: s.line, ...(s.condition ? { condition: s.condition } : {}), verified: s.verified, ...(s.actualLine ? { actualLine: s.actualLine } : {}) }))
    } catch {
      // Not loaded in debug mode (yet): the next load places them.
      this.states = []
    }
  }

  private rel(file: string): string {
    return path.relative(this.workspaceDir, file).split(path.sep).join('/')
  }

  private relative(p: DebugPaused): StudioPaused {
    return {
      plugin: p.plugin,
      reason: p.reason,
      hitBreakpoints: p.hitBreakpoints.map((b) => ({ ...b, file: this.rel(b.file) })),
      callFrames: p.callFrames.map((f) => ({ ...f, file: this.rel(f.file) })),
    }
  }
}
