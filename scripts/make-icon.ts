// Draws the app icon (build/icon.png, 512×512) without any image tool: a blue rounded square with a
// white plug. electron-builder makes the .icns/.ico and the Linux sizes from this PNG.
//   node scripts/make-icon.ts
import { mkdirSync, writeFileSync } from 'node:fs'
import { deflateSync } from 'node:zlib'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const SIZE = 512
const ROOT = fileURLToPath(new URL('..', import.meta.url))

function inRoundedRect(x: number, y: number, left: number, top: number, right: number, bottom: number, radius: number): boolean {
  if (x < left || x > right || y < top || y > bottom) return false
  const cx = Math.min(Math.max(x, left + radius), right - radius)
  const cy = Math.min(Math.max(y, top + radius), bottom - radius)
  return (x - cx) ** 2 + (y - cy) ** 2 <= radius ** 2
}

/** RGBA of one pixel. */
function pixel(x: number, y: number): [number, number, number, number] {
  if (!inRoundedRect(x, y, 16, 16, 495, 495, 96)) return [0, 0, 0, 0]
  const white: [number, number, number, number] = [255, 255, 255, 255]
  // The plug: two prongs, a body, and a cable going down.
  if (inRoundedRect(x, y, 186, 100, 216, 200, 12) || inRoundedRect(x, y, 296, 100, 326, 200, 12)) return white
  if (inRoundedRect(x, y, 146, 190, 366, 330, 40)) return white
  if (inRoundedRect(x, y, 240, 320, 272, 420, 14)) return white
  return [29, 74, 255, 255]
}

function crc32(bytes: Buffer): number {
  let crc = ~0
  for (const byte of bytes) {
    crc ^= byte
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1))
  }
  return ~crc >>> 0
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4)
  length.writeUInt32BE(data.length)
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data])
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(body))
  return Buffer.concat([length, body, crc])
}

const raw = Buffer.alloc(SIZE * (SIZE * 4 + 1))
for (let y = 0; y < SIZE; y++) {
  raw[y * (SIZE * 4 + 1)] = 0 // filter: none
  for (let x = 0; x < SIZE; x++) raw.set(pixel(x, y), y * (SIZE * 4 + 1) + 1 + x * 4)
}
const header = Buffer.alloc(13)
header.writeUInt32BE(SIZE, 0)
header.writeUInt32BE(SIZE, 4)
header.set([8, 6, 0, 0, 0], 8) // 8-bit RGBA
const png = Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', header), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))])
mkdirSync(path.join(ROOT, 'build'), { recursive: true })
writeFileSync(path.join(ROOT, 'build', 'icon.png'), png)
console.log(`Wrote build/icon.png (${png.length} bytes)`)
