import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, test } from 'node:test'
import { attachmentsFromSpecs, guessContentType, readAttachmentFile } from './attachments.ts'

const dir = mkdtempSync(join(tmpdir(), 'attachments-test-'))
after(() => rmSync(dir, { recursive: true, force: true }))

test('specs become {content_type, file_name, contents: Buffer}', () => {
  const json = JSON.stringify({ a: [1, 2] })
  const attachments = attachmentsFromSpecs({
    mapping: { content_type: 'application/json', file_name: 'mapping.json', contentsBase64: Buffer.from(json).toString('base64') },
    empty: { content_type: 'text/plain', file_name: 'empty.txt', contentsBase64: '' },
  })
  assert.deepEqual(Object.keys(attachments), ['mapping', 'empty'])
  assert.ok(Buffer.isBuffer(attachments.mapping.contents))
  assert.deepEqual(JSON.parse(attachments.mapping.contents as unknown as string), { a: [1, 2] }, 'JSON.parse(contents) works, as plugins do it')
  assert.equal(attachments.mapping.content_type, 'application/json')
  assert.equal(attachments.mapping.file_name, 'mapping.json')
  assert.equal(attachments.empty.contents.length, 0)
  assert.deepEqual(attachmentsFromSpecs({}), {})
})

test('bad specs are refused with the key named', () => {
  assert.throws(() => attachmentsFromSpecs({ x: { content_type: 'a', file_name: 'f' } as never }), /Attachment "x" has no string "contentsBase64"/)
  assert.throws(() => attachmentsFromSpecs({ y: { content_type: 'a', file_name: 'f', contentsBase64: 'not base64!' } }), /Attachment "y" \(f\): contentsBase64 is not valid base64/)
  assert.throws(() => attachmentsFromSpecs({ z: null as never }), /Attachment "z" is not an object/)
})

test('readAttachmentFile gives a spec with the content type guessed from the extension', async () => {
  const path = join(dir, 'Countries.CSV')
  writeFileSync(path, 'code,name\nSE,Sweden\n')
  const spec = await readAttachmentFile(path)
  assert.deepEqual(spec, { content_type: 'text/csv', file_name: 'Countries.CSV', contentsBase64: Buffer.from('code,name\nSE,Sweden\n').toString('base64') })
  const [attachment] = Object.values(attachmentsFromSpecs({ k: spec }))
  assert.equal(attachment.contents.toString(), 'code,name\nSE,Sweden\n')
})

test('content types', () => {
  assert.equal(guessContentType('a.json'), 'application/json')
  assert.equal(guessContentType('a.txt'), 'text/plain')
  assert.equal(guessContentType('GeoLite2-City.mmdb'), 'application/octet-stream')
  assert.equal(guessContentType('logo.png'), 'image/png')
  assert.equal(guessContentType('photo.JPG'), 'image/jpeg')
  assert.equal(guessContentType('noextension'), 'application/octet-stream')
})

test('an unreadable attachment names the file and the problem', async () => {
  await assert.rejects(readAttachmentFile(join(dir, 'missing.json')), { message: `Cannot read attachment ${join(dir, 'missing.json')}: no such file` })
  await assert.rejects(readAttachmentFile(dir), { message: `Cannot read attachment ${dir}: it is a folder` })
})
