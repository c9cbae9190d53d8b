// Pieces of the create and upload steps: the job ID read from a create's answer, and the multipart
// body an upload streams.
import { describe, expect, it } from '@jest/globals'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { multipartFile } from '../src/http/multipart.ts'
import { uploadTimeoutMs } from '../src/operations/upload.ts'
import { exactIdOf } from '../src/zoho/reply.ts'
import { reply } from './support/replies.ts'

describe('exactIdOf', () => {
  const ID = '3888833000000114027'
  // An insert job's ID is job_id; a read job's, id.
  describe.each(['job_id', 'id'] as const)('of %s', field => {
    const body = (text: string): string => text.replaceAll('FIELD', field)
    it.each([
      ['details', `{"code":3000,"details":{"FIELD":"${ID}"}}`],
      ['data', `{"code":3000,"data":{"FIELD":"${ID}"}}`],
      ['the top level', `{"code":3000,"FIELD":"${ID}"}`],
      ['spaces around a string', `{"code":3000,"details":{"FIELD":" ${ID} "}}`],
      ['a bare number', `{"code":3000,"details":{"FIELD":${ID}}}`],
      ['a bare number among others', `{"code":3000,"FIELD":12,"details":{"FIELD":${ID}}}`],
      ['spaces around the colon', `{"code":3000,"details":{"FIELD" : ${ID}}}`]
    ])('reads the ID under %s, to the digit', (_where, text) => {
      expect(exactIdOf(reply(200, body(text)), field)).toBe(ID)
    })

    it.each([
      ['none', '{"code":3000,"details":{}}'],
      ['a short ID', '{"code":3000,"details":{"FIELD":"123"}}'],
      ['not digits', '{"code":3000,"details":{"FIELD":"abc1234567890"}}'],
      ['a fraction', `{"code":3000,"details":{"FIELD":${ID}.5}}`],
      ['not JSON', `FIELD=${ID}`]
    ])('finds none in %s', (_what, text) => {
      expect(exactIdOf(reply(200, body(text)), field)).toBeUndefined()
    })
  })

  it('reads the field asked for, not the other', () => {
    expect(
      exactIdOf(reply(200, `{"code":3000,"details":{"job_id":"${ID}"}}`), 'id')
    ).toBeUndefined()
    expect(exactIdOf(reply(200, `{"code":3000,"details":{"id":${ID}}}`), 'job_id')).toBeUndefined()
  })
})

/** A body read as send.ts reads it: each piece used before the next is asked for (they share a buffer). */
async function text(pieces: AsyncIterable<Buffer>): Promise<string> {
  const copies: Buffer[] = []
  for await (const piece of pieces) copies.push(Buffer.from(piece))
  return Buffer.concat(copies).toString()
}

describe('multipartFile', () => {
  it('streams a body of the length it announces, with the file as it is on disk', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'zoho-multipart-'))
    try {
      const path = join(dir, 'data.csv')
      const content = 'A,B\r\n1,"x\ny"\r\n'.repeat(50_000)
      await writeFile(path, content)
      const part = multipartFile({
        field: 'file',
        path,
        fileName: 'we"ird\r\nname.csv',
        size: Buffer.byteLength(content),
        contentType: 'text/csv'
      })
      const boundary = /boundary=(.+)$/.exec(part.contentType)?.[1] ?? ''
      expect(boundary).toMatch(/^zoho-bulk-action-[0-9a-f]{32}$/)
      const body = await text(part.body.open())
      expect(Buffer.byteLength(body)).toBe(part.body.length)
      expect(body).toBe(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="we%22ird%0D%0Aname.csv"\r\n` +
          `Content-Type: text/csv\r\n\r\n${content}\r\n--${boundary}--\r\n`
      )
      // Each attempt opens the file anew.
      expect(await text(part.body.open())).toBe(body)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('fails when the file changed since it was measured', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'zoho-multipart-'))
    try {
      const path = join(dir, 'data.csv')
      await writeFile(path, 'A\n1\n')
      const part = multipartFile({
        field: 'file',
        path,
        fileName: 'data.csv',
        size: 2,
        contentType: 'text/csv'
      })
      await expect(text(part.body.open())).rejects.toThrow(
        `${path} changed while it was being uploaded (2 bytes before, 4 now).`
      )
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})

describe('uploadTimeoutMs', () => {
  it('gives each attempt the timeout and a second more per MiB sent', () => {
    expect(uploadTimeoutMs(30_000, 0)).toBe(30_000)
    expect(uploadTimeoutMs(30_000, 10 * 1024 * 1024)).toBe(40_000)
    expect(uploadTimeoutMs(5_000, 512 * 1024)).toBe(5_500)
  })
})
