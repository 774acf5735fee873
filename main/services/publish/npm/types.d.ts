// Minimal types for the npm CLI's own libraries (they ship none): only what the publisher uses.
declare module 'libnpmpack' {
  export interface PackOptions {
    ignoreScripts?: boolean
    dryRun?: boolean
    [key: string]: unknown
  }
  export default function pack(spec?: string, options?: PackOptions): Promise<Buffer>
}

declare module 'libnpmpublish' {
  export interface PublishOptions {
    registry?: string
    access?: 'public' | 'restricted'
    defaultTag?: string
    [key: string]: unknown
  }
  export function publish(manifest: Record<string, unknown>, tarball: Buffer, options: PublishOptions): Promise<{ status: number }>
  const libnpmpublish: { publish: typeof publish }
  export default libnpmpublish
}

declare module 'npm-registry-fetch' {
  export interface FetchOptions {
    registry?: string
    method?: string
    body?: unknown
    timeout?: number
    retry?: { retries?: number } | number
    [key: string]: unknown
  }
  export interface RegistryFetch {
    (path: string, options?: FetchOptions): Promise<{ status: number; json(): Promise<unknown> }>
    json(path: string, options?: FetchOptions): Promise<Record<string, unknown>>
  }
  const fetch: RegistryFetch
  export default fetch
}
