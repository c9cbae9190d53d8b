// Pieces of the create and upload steps: the job ID read from a create's answer, and the multipart
// body an upload streams.
import { describe, expect, it } from '@jest/globals'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { multipartFile } from '../src/http/multipart.ts'
import { jobIdOf } from '../src/operations/create.ts'
import { uploadTimeoutMs } from '../src/operations/upload.ts'
import { reply } from './support/replies.ts'

describe('jobIdOf', () => {
  it.each([
    ['details', '{"code":3000,"details":{"job_id":"3888833000000114027"}}'],
    ['data', '{"code":3000,"data":{"job_id":"3888833000000114027"}}'],
    ['the top level', '{"code":3000,"job_id":"3888833000000114027"}'],
    ['spaces around a string', '{"code":3000,"details":{"job_id":" 3888833000000114027 "}}'],
    ['a bare number', '{"code":3000,"details":{"job_id":3888833000000114027}}'],
    [
      'a bare number among others',
      '{"code":3000,"job_id":12,"details":{"job_id":3888833000000114027}}'
    ]
  ])('reads the ID under %s, to the digit', (_where, body) => {
    expect(jobIdOf(reply(200, body))).toBe('3888833000000114027')
  })

  it.each([
    ['no job_id', '{"code":3000,"details":{}}'],
    ['a short ID', '{"code":3000,"details":{"job_id":"123"}}'],
    ['not digits', '{"code":3000,"details":{"job_id":"abc1234567890"}}'],
    ['a fraction', '{"code":3000,"details":{"job_id":3888833000000114027.5}}'],
    ['not JSON', 'job_id=3888833000000114027']
  ])('finds none in %s', (_what, body) => {
    expect(jobIdOf(reply(200, body))).toBeUndefined()
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
