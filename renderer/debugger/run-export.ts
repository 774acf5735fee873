// A run as JSON Lines: one line per event that ran, in order — its index in the file, the input, the
// final event (null when dropped), who dropped it, the error, the logs and every stage.
import type { EventResult } from '../../common/protocol/runtime.ts'

export function runToJsonLines(results: Record<number, EventResult>, indexes?: readonly number[]): string {
  const order = indexes ?? Object.keys(results).map(Number).sort((a, b) => a - b)
  return order
    .map((index) => {
      const r = results[index]
      return JSON.stringify({ index, input: r.input, output: r.output, droppedBy: r.droppedBy, error: r.error, logs: r.logs, stages: r.stages })
    })
    .map((line) => `${line}\n`)
    .join('')
}

/** Saves text as a download through a Blob link (works in browser mode and in Electron). */
export function download(fileName: string, text: string, type = 'application/x-ndjson'): void {
  const url = URL.createObjectURL(new Blob([text], { type }))
  const link = document.createElement('a')
  link.href = url
  link.download = fileName
  link.style.display = 'none'
  document.body.append(link)
  link.click()
  link.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}
