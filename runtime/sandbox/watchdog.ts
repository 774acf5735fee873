// Last line of defence for synchronous isolate calls. isolated-vm's own timeout and memory limit stop
// almost everything, but not all: an isolate thrashing its garbage collector near the memory limit (an
// array of small objects growing without end) ignores both, and the call never returns. A call runs
// on this process's main thread, so only another thread can notice: a worker watches a shared deadline
// and, when a call overruns it by far, ends the process. The supervisor restarts it and reports the
// lost events (main/services/runner).
import { Worker } from 'node:worker_threads'

/** [0] = the deadline (ms since the epoch) of the synchronous call in progress, 0 when none. */
let deadline: Float64Array<ArrayBufferLike> = new Float64Array(1)

/** How long past its own timeout a call may run before the watchdog ends the process. */
export function graceMs(timeoutMs: number): number {
  return Math.max(2000, timeoutMs)
}

export function startWatchdog(): void {
  const shared = new SharedArrayBuffer(Float64Array.BYTES_PER_ELEMENT)
  deadline = new Float64Array(shared)
  const worker = new Worker(
    `const { workerData } = require('node:worker_threads')
     const { writeSync } = require('node:fs')
     const view = new Float64Array(workerData.shared)
     setInterval(() => {
       const d = view[0]
       if (d !== 0 && Date.now() > d) {
         writeSync(2, 'Plugin Studio watchdog: a plugin call ignored its time and memory limits (isolated-vm could not stop it); the runtime process ends so it can be restarted.\\n')
         process.kill(workerData.pid, 'SIGKILL')
       }
     }, 100)`,
    { eval: true, workerData: { shared, pid: process.pid } },
  )
  worker.unref()
}

/** Marks a synchronous call of at most `timeoutMs` as running. */
export function enterCall(timeoutMs: number): void {
  deadline[0] = Date.now() + timeoutMs + graceMs(timeoutMs)
}

export function leaveCall(): void {
  deadline[0] = 0
}
