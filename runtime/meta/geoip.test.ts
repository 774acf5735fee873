import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createGeoIp, defaultDatabasePath, lastGeoIpLoadMs } from './geoip.ts'

// One cold load of the real GeoLite2 City database for the whole file (it is cached per process).
const geoip = createGeoIp()

test('locates a MaxMind test address from the offline GeoLite2 City database', async () => {
  const city = await geoip.locate('89.160.20.112')
  process.stderr.write(`GeoLite2 City cold load: ${lastGeoIpLoadMs()?.toFixed(0)} ms\n`)
  assert.ok(city?.country && city.continent && city.city && city.location && city.postal && city.subdivisions)
  assert.equal(city.country.isoCode, 'SE')
  assert.equal(city.country.names.en, 'Sweden')
  assert.equal(city.continent.code, 'EU')
  assert.equal(typeof city.city.names.en, 'string')
  assert.equal(city.location.timeZone, 'Europe/Stockholm')
  assert.equal(typeof city.location.latitude, 'number')
  assert.equal(typeof city.location.longitude, 'number')
  assert.equal(typeof city.postal.code, 'string')
  assert.equal(city.subdivisions[0].isoCode, 'S')
  assert.equal(city.traits?.ipAddress, '89.160.20.112')
  assert.equal(Object.getPrototypeOf(city), Object.prototype, 'plain JSON, not the model class')
  assert.deepEqual(JSON.parse(JSON.stringify(city)), city)
})

test('locates well-known public v4 and v6 addresses', async () => {
  const google = await geoip.locate('8.8.8.8')
  assert.equal(google?.country?.isoCode, 'US')
  assert.equal(typeof google?.location?.timeZone, 'string')
  const v6 = await geoip.locate('2001:4860:4860::8888')
  assert.equal(v6?.country?.isoCode, 'US')
})

test('private, reserved and invalid addresses give null, never an error', async () => {
  for (const ip of ['192.168.1.1', '10.0.0.1', '127.0.0.1', '::1', '0.0.0.0', 'not an ip', '', '999.1.1.1', '1.2.3']) {
    assert.equal(await geoip.locate(ip), null, ip)
  }
  assert.equal(await geoip.locate(undefined as unknown as string), null)
  assert.equal(await geoip.locate(12 as unknown as string), null)
})

test('a missing database file is reported by path', async () => {
  const broken = createGeoIp({ databasePath: '/nonexistent/GeoLite2-City.mmdb' })
  await assert.rejects(broken.locate('8.8.8.8'), /Cannot read the GeoIP database \/nonexistent\/GeoLite2-City.mmdb/)
  assert.match(defaultDatabasePath(), /geolite2-city[/\\]GeoLite2-City\.mmdb\.gz$/)
})
