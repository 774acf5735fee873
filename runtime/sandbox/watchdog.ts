// Last line of defence for synchronous isolate calls. isolated-vm's own timeout and memory limit stop
// almost everything, but not all: an isolate thrashing its garbage collector near the memory limit (an
// array of small objects growing without end) ignores both, and the call never returns. A call runs
// on this process's main thread, so only another thread can notice: a worker watches a shared deadline
// and, when a call overruns it by far, ends the process. The supervisor restarts it and reports the
// lost events (main/services/runner).
import { Worker } from 'node:worker_threads'

/** [0] = the deadline (ms since the epoch) of the synchronous call in progress, 0 when none. */
let deadline: Float64Array<ArrayBufferLike> = new Float64Array(1)
/** Whose call it is: [0] = byte length, then UTF-8 JSON {id, name} (the watchdog names the plugin it ends). */
const OWNER_BYTES = 1024
let ownerLength: Int32Array<ArrayBufferLike> = new Int32Array(1)
let ownerBytes: Uint8Array<ArrayBufferLike> = new Uint8Array(OWNER_BYTES)
let lastOwner = ''

/** The line the watchdog writes before it ends the process; the runner reads the plugin's id from it. */
export const WATCHDOG_LINE = 'Plugin Studio watchdog:'

/** What a plugin isolate passes to enterCall: the plugin the watchdog names. */
export function watchdogOwner(id: string, name: string): string {
  return JSON.stringify({ id, name })
}

/** How long past its own timeout a call may run before the watchdog ends the process. */
export function graceMs(timeoutMs: number): number {
  return Math.max(2000, timeoutMs)
}

export function startWatchdog(): void {
  const shared = new SharedArrayBuffer(Float64Array.BYTES_PER_ELEMENT)
  deadline = new Float64Array(shared)
  const owner = new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT + OWNER_BYTES)
  ownerLength = new Int32Array(owner, 0, 1)
  ownerBytes = new Uint8Array(owner, Int32Array.BYTES_PER_ELEMENT)
  lastOwner = ''
  const worker = new Worker(
    `const { workerData } = require('node:worker_threads')
     const { writeSync } = require('node:fs')
     const view = new Float64Array(workerData.shared)
     const length = new Int32Array(workerData.owner, 0, 1)
     const bytes = new Uint8Array(workerData.owner, 4)
     const who = () => {
       try {
         const o = JSON.parse(new TextDecoder().decode(bytes.slice(0, length[0])))
         return 'the plugin ' + JSON.stringify(o.name) + ' (id ' + JSON.stringify(o.id) + ')'
       } catch {
         return 'a plugin'
       }
     }
     setInterval(() => {
       const d = view[0]
       if (d !== 0 && Date.now() > d) {
         writeSync(2, ${JSON.stringify(WATCHDOG_LINE)} + ' ' + who() + ' ignored its time and memory limits in a call (isolated-vm could not stop it); the runtime process ends so it can be restarted.\\n')
         process.kill(workerData.pid, 'SIGKILL')
       }
     }, 100)`,
    { eval: true, workerData: { shared, owner, pid: process.pid } },
  )
  worker.unref()
}

/** Marks a synchronous call of at most `timeoutMs` as running; `owner` (watchdogOwner) is the plugin making it. */
export function enterCall(timeoutMs: number, owner = ''): void {
  if (owner !== lastOwner) {
    lastOwner = owner
    const encoded = new TextEncoder().encode(owner)
    const n = encoded.length <= OWNER_BYTES ? encoded.length : 0
    ownerBytes.set(encoded.subarray(0, n))
    ownerLength[0] = n
  }
  deadline[0] = Date.now() + timeoutMs + graceMs(timeoutMs)
}

export function leaveCall(): void {
  deadline[0] = 0
}
