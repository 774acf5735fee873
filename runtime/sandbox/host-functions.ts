// The synchronous host functions the isolate calls (as ivm.Callback): WHATWG URL parsing, hashing,
// randomness and zlib from the host's Node. Arguments and results are copied, never shared.
import { createHash, createHmac, getHashes, randomBytes, randomUUID } from 'node:crypto'
import * as legacyUrl from 'node:url'
import * as zlib from 'node:zlib'

/** Host-side work a plugin asks for is bounded: its result must fit in the isolate anyway. */
export const MAX_HOST_BYTES = 32 * 1024 * 1024

/** Exact-size copy: a pooled Buffer's view would drag its whole 8 KiB slab across. */
const tight = (b: Uint8Array) => Uint8Array.prototype.slice.call(b)

/** One string (the parts joined by a newline, which WHATWG never leaves in a part): one copy, not eleven. */
function parts(u: URL): string {
  return `${u.href}\n${u.origin}\n${u.protocol}\n${u.username}\n${u.password}\n${u.host}\n${u.hostname}\n${u.port}\n${u.pathname}\n${u.search}\n${u.hash}`
}

const ZLIB: Record<string, (b: Uint8Array, o: zlib.ZlibOptions) => Buffer> = {
  gzip: zlib.gzipSync,
  gunzip: zlib.gunzipSync,
  deflate: zlib.deflateSync,
  inflate: zlib.inflateSync,
  deflateRaw: zlib.deflateRawSync,
  inflateRaw: zlib.inflateRawSync,
  unzip: zlib.unzipSync,
  brotliCompress: (b) => zlib.brotliCompressSync(b, { maxOutputLength: MAX_HOST_BYTES }),
  brotliDecompress: (b) => zlib.brotliDecompressSync(b, { maxOutputLength: MAX_HOST_BYTES }),
}

export const hostFunctions: Record<string, (...args: never[]) => unknown> = {
  /** The parts joined by '\n', or `!` + the error message. */
  urlParse(input: string, base?: string): string {
    try {
      return parts(base === undefined ? new URL(input) : new URL(input, base))
    } catch (error) {
      return `!${(error as Error).message}`
    }
  },
  urlSet(href: string, part: string, value: string): string {
    try {
      const u = new URL(href)
      ;(u as unknown as Record<string, string>)[part] = value
      return parts(u)
    } catch (error) {
      return `!${(error as Error).message}`
    }
  },
  legacyUrlParse(input: string) {
    return { ...legacyUrl.parse(input) }
  },
  legacyUrlFormat(input: legacyUrl.UrlObject) {
    return legacyUrl.format(input)
  },
  legacyUrlResolve(from: string, to: string) {
    return legacyUrl.resolve(from, to)
  },
  cryptoCheck(algorithm: string, hmac: boolean) {
    if (hmac) createHmac(algorithm, 'k')
    else createHash(algorithm)
  },
  cryptoDigest(algorithm: string, key: Uint8Array | null, chunks: Uint8Array[]) {
    const h = key ? createHmac(algorithm, key) : createHash(algorithm)
    for (const c of chunks) h.update(c)
    return tight(h.digest())
  },
  cryptoHashes: () => getHashes(),
  randomUUID: () => randomUUID(),
  randomBytes(size: number) {
    if (!Number.isInteger(size) || size < 0 || size > 2 ** 31 - 1) throw new RangeError(`The value of "size" is out of range. Received ${size}`)
    if (size > MAX_HOST_BYTES) throw new RangeError(`randomBytes(${size}): the sandbox hands out at most ${MAX_HOST_BYTES} bytes at once`)
    return tight(randomBytes(size))
  },
  zlib(op: string, data: Uint8Array, options: { level?: number }): Uint8Array | string {
    const fn = ZLIB[op]
    if (!fn) return `zlib.${op} is not available`
    try {
      // maxOutputLength: a small gzip bomb must not inflate into gigabytes on the host.
      const opts: zlib.ZlibOptions = { maxOutputLength: MAX_HOST_BYTES }
      if (options.level !== undefined) opts.level = options.level
      return tight(fn(data, opts))
    } catch (error) {
      return (error as Error).message
    }
  },
}
