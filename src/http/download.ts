// Streams a result file to disk and keeps it only if it is a ZIP (by its first bytes), so that no
// error page poses as a result; whatever came instead is handed back, cut short, to be judged.
import { createWriteStream } from 'node:fs'
import { rename, rm } from 'node:fs/promises'
import { pipeline } from 'node:stream/promises'
import { LocalFileError } from '../errors.ts'
import { decodedBody } from './body.ts'
import type { BodyReader } from './send.ts'

/** A ZIP saved where it was asked for, or the first bytes of what came instead. */
export type Download = { readonly saved: true } | { readonly saved: false; readonly head: Buffer }

const ZIP_SIGNATURE = Buffer.from('PK\x03\x04', 'latin1')

/** A reader that saves a 2xx ZIP answer to `path` (through `<path>.part`). */
export function saveZip(path: string, maxHeadBytes: number): BodyReader<Download> {
  return async response => {
    const chunks = decodedBody(response)[Symbol.asyncIterator]() as AsyncIterator<Buffer>
    let head = Buffer.alloc(0)
    for (let next = await chunks.next(); ; next = await chunks.next()) {
      if (next.done === true) return { saved: false, head }
      head = Buffer.concat([head, next.value])
      if (head.length >= ZIP_SIGNATURE.length) break
    }
    const isZip = head.subarray(0, ZIP_SIGNATURE.length).equals(ZIP_SIGNATURE)
    if ((response.statusCode ?? 0) >= 300 || !isZip) {
      while (head.length < maxHeadBytes) {
        const next = await chunks.next()
        if (next.done === true) break
        head = Buffer.concat([head, next.value])
      }
      await chunks.return?.()
      return { saved: false, head: head.subarray(0, maxHeadBytes) }
    }
    await writeFile(path, head, chunks)
    return { saved: true }
  }
}

async function writeFile(path: string, head: Buffer, rest: AsyncIterator<Buffer>): Promise<void> {
  const partial = `${path}.part`
  const file = createWriteStream(partial)
  const local: { error?: Error } = {}
  file.on('error', error => (local.error = error))
  try {
    await pipeline(async function* () {
      yield head
      for (let next = await rest.next(); next.done !== true; next = await rest.next())
        yield next.value
    }, file)
    await rename(partial, path)
  } catch (error) {
    const cause = local.error ?? (isFileSystemError(error) ? error : undefined)
    if (cause !== undefined) throw new LocalFileError(`Could not save ${path}: ${cause.message}`)
    throw error
  } finally {
    // A stream destroyed before its file opened still creates it: remove it once it is closed.
    await new Promise<void>(resolve => {
      if (file.closed) resolve()
      else
        file.once('close', () => {
          resolve()
        })
    })
    await rm(partial, { force: true })
  }
}

/**
 * A failure of the file system (open, write, rename), as opposed to the connection's. Read by
 * shape, not instanceof: errors of node:fs may come from another realm.
 */
function isFileSystemError(error: unknown): error is NodeJS.ErrnoException {
  const { syscall, message } = (typeof error === 'object' && error !== null ? error : {}) as {
    syscall?: unknown
    message?: unknown
  }
  return typeof message === 'string' && FILE_SYSTEM_CALLS.has(syscall)
}

const FILE_SYSTEM_CALLS: ReadonlySet<unknown> = new Set(['open', 'write', 'rename'])
