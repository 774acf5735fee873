// Deterministic randomness for the event generator: same seed, same numbers, on every platform.

/** sfc32: small, fast, good enough, and the same on every platform. */
export function createRandom(seed: number): () => number {
  let a = 0x9e3779b9 ^ seed
  let b = 0x243f6a88 ^ (seed * 31)
  let c = 0xb7e15162
  let d = seed | 0
  const next = () => {
    a |= 0
    b |= 0
    c |= 0
    d |= 0
    const t = (((a + b) | 0) + d) | 0
    d = (d + 1) | 0
    a = b ^ (b >>> 9)
    b = (c + (c << 3)) | 0
    c = (c << 21) | (c >>> 11)
    c = (c + t) | 0
    return (t >>> 0) / 4294967296
  }
  for (let i = 0; i < 15; i++) next()
  return next
}

export type Random = () => number

export function pick<T>(random: Random, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]
}

/** Picks by weight: `[[value, weight], ...]`. */
export function weighted<I extends readonly [unknown, number]>(random: Random, items: readonly I[]): I[0] {
  const total = items.reduce((sum, [, w]) => sum + w, 0)
  let r = random() * total
  for (const [value, w] of items) {
    if ((r -= w) < 0) return value
  }
  return items[items.length - 1][0]
}

export function hex(random: Random, digits: number): string {
  let out = ''
  for (let i = 0; i < digits; i++) out += Math.floor(random() * 16).toString(16)
  return out
}

/** A UUIDv7 (what posthog-js sends as `uuid` today): 48-bit ms timestamp, version 7, variant 10. */
export function uuidV7(random: Random, ms: number): string {
  const time = Math.floor(ms).toString(16).padStart(12, '0')
  const variant = (8 + Math.floor(random() * 4)).toString(16)
  return `${time.slice(0, 8)}-${time.slice(8, 12)}-7${hex(random, 3)}-${variant}${hex(random, 3)}-${hex(random, 12)}`
}
