// One Chrome DevTools Protocol session on a plugin's isolate (isolated-vm's inspector): requests get
// promises, notifications go to listeners. Messages are handled on isolated-vm's side whenever the
// isolate is idle, running on its thread pool, or paused in a breakpoint — never while it is driven
// synchronously from this thread (see debug-calls.ts).
import type ivm from 'isolated-vm'

export type Notification = { method: string; params: Record<string, unknown> }

export class InspectorClient {
  private readonly session: ivm.InspectorSession
  private nextId = 1
  private readonly pending = new Map<number, { resolve: (v: Record<string, unknown>) => void; reject: (e: Error) => void }>()
  private readonly listeners = new Set<(n: Notification) => void>()
  private closed = false

  constructor(isolate: ivm.Isolate) {
    this.session = isolate.createInspectorSession()
    this.session.onResponse = (_callId, text) => this.onResponse(text)
    this.session.onNotification = (text) => {
      let message: Notification
      try {
        message = JSON.parse(text) as Notification
      } catch {
        return
      }
      for (const l of this.listeners) l(message)
    }
  }

  /** Sends a CDP request; resolves with its result, rejects with the protocol's error message. */
  send(method: string, params: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
    if (this.closed) return Promise.reject(new Error('The debug session has ended'))
    const id = this.nextId++
    const answer = new Promise<Record<string, unknown>>((resolve, reject) => {
      this.pending.set(id, { resolve, reject })
      try {
        this.session.dispatchProtocolMessage(JSON.stringify({ id, method, params }))
      } catch (error) {
        this.pending.delete(id)
        reject(error instanceof Error ? error : new Error(String(error)))
      }
    })
    this.inFlight.add(answer)
    void answer.catch(() => undefined).finally(() => this.inFlight.delete(answer))
    return answer
  }

  /** Settles when no request of this client awaits its answer (an answer to a disconnected session aborts isolated-vm). */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight])
  }

  private readonly inFlight = new Set<Promise<unknown>>()

  /** Sends a raw CDP message text (an external DevTools' request); its answer comes to `onRaw`. */
  sendRaw(text: string): void {
    if (!this.closed) this.session.dispatchProtocolMessage(text)
  }

  /** Responses that are not this client's own requests (raw ones) go here. */
  onRaw: ((text: string) => void) | null = null

  onNotification(listener: (n: Notification) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /**
   * Ends the session. `isolateGoing`: the isolate is (being) disposed, which ends its sessions itself;
   * disconnecting one as well then races the isolate's teardown (isolated-vm aborts the process).
   */
  dispose(isolateGoing = false): void {
    if (this.closed) return
    this.closed = true
    for (const p of this.pending.values()) p.reject(new Error('The debug session has ended'))
    this.pending.clear()
    this.listeners.clear()
    this.session.onResponse = () => undefined
    this.session.onNotification = () => undefined
    if (isolateGoing) return
    try {
      this.session.dispose()
    } catch {}
  }

  private onResponse(text: string): void {
    let message: { id: number; result?: Record<string, unknown>; error?: { message: string } }
    try {
      message = JSON.parse(text) as typeof message
    } catch {
      return
    }
    const call = this.pending.get(message.id)
    if (!call) {
      this.onRaw?.(text)
      return
    }
    this.pending.delete(message.id)
    if (message.error) call.reject(new Error(message.error.message))
    else call.resolve(message.result ?? {})
  }
}
