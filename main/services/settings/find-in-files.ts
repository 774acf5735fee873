// Which files under a folder contain any of the given strings (as UTF-8, or base64 of it): the
// check that a secret never reached a workspace file. Used by the tests of secret config values.
import path from 'node:path'
import { readFile, readdir } from 'node:fs/promises'

export async function filesContaining(dir: string, needles: string[]): Promise<{ scanned: number; hits: string[] }> {
  const patterns = needles.flatMap((needle) => [Buffer.from(needle), Buffer.from(Buffer.from(needle).toString('base64'))])
  const hits: string[] = []
  let scanned = 0
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue
    const file = path.join(entry.parentPath, entry.name)
    const bytes = await readFile(file)
    scanned++
    if (patterns.some((pattern) => bytes.includes(pattern))) hits.push(path.relative(dir, file))
  }
  return { scanned, hits }
}
