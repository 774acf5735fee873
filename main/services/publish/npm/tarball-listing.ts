// Lists the files of an npm tarball (gzip + ustar) for the preview, without unpacking it.
import { gunzipSync } from 'node:zlib'

export interface TarballEntry {
  /** Path inside the package, without npm's leading "package/". */
  path: string
  size: number
}

export function listTarball(tgz: Buffer): TarballEntry[] {
  const tar = gunzipSync(tgz)
  const entries: TarballEntry[] = []
  let longName: string | null = null
  let paxPath: string | null = null
  for (let offset = 0; offset + 512 <= tar.length; ) {
    const header = tar.subarray(offset, offset + 512)
    if (header.every((b) => b === 0)) break
    const text = (start: number, length: number) => header.subarray(start, start + length).toString('utf8').replace(/\0.*$/s, '')
    const size = parseInt(text(124, 12).trim() || '0', 8)
    const type = String.fromCharCode(header[156] || 48)
    const body = tar.subarray(offset + 512, offset + 512 + size)
    offset += 512 + Math.ceil(size / 512) * 512
    if (type === 'L') {
      longName = body.toString('utf8').replace(/\0.*$/s, '')
      continue
    }
    if (type === 'x') {
      paxPath = /\d+ path=([^\n]*)\n/.exec(body.toString('utf8'))?.[1] ?? null
      continue
    }
    const prefix = text(345, 155)
    const name = paxPath ?? longName ?? (prefix ? `${prefix}/${text(0, 100)}` : text(0, 100))
    longName = paxPath = null
    if (type !== '0' && type !== '\0' && type !== '7') continue
    entries.push({ path: name.replace(/^[^/]+\//, ''), size })
  }
  return entries.sort((a, b) => a.path.localeCompare(b.path))
}
