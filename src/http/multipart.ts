// A multipart/form-data body (RFC 7578) of one file part, streamed from disk: the part's head, the
// file's bytes as they are on disk, and the closing boundary, with the length of the whole known
// before it is sent.
import { randomBytes } from 'node:crypto'
import { open } from 'node:fs/promises'
import { LocalFileError } from '../errors.ts'
import type { StreamedBody } from './send.ts'

export interface FilePart {
  /** The form field's name. */
  readonly field: string
  /** The file's path on disk. */
  readonly path: string
  /** The name the server sees. */
  readonly fileName: string
  /** The file's size in bytes, as checked before the upload. */
  readonly size: number
  readonly contentType: string
}

export interface Multipart {
  /** The Content-Type header, with the boundary. */
  readonly contentType: string
  readonly body: StreamedBody
}

// How much of the file is read at a time, into one of two buffers used in turn.
const PIECE_BYTES = 256 * 1024

export function multipartFile(part: FilePart): Multipart {
  const boundary = `zoho-bulk-action-${randomBytes(16).toString('hex')}`
  const head = Buffer.from(
    `--${boundary}\r\n` +
      `Content-Disposition: form-data; name="${quoted(part.field)}"; filename="${quoted(part.fileName)}"\r\n` +
      `Content-Type: ${part.contentType}\r\n\r\n`
  )
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`)
  return {
    contentType: `multipart/form-data; boundary=${boundary}`,
    body: {
      length: head.length + part.size + tail.length,
      open: () => pieces(head, part, tail)
    }
  }
}

/**
 * The body's pieces. The file's go through two buffers in turn, each read again once the piece after
 * the next is asked for (StreamedBody's contract), so that reading overlaps sending: memory stays
 * the same whatever the file's size, and no garbage grows with it for the collector to catch up on.
 */
async function* pieces(head: Buffer, part: FilePart, tail: Buffer): AsyncGenerator<Buffer> {
  yield head
  const file = await open(part.path, 'r')
  let size = 0
  try {
    // Two buffers in turn: one is read into while the other is being sent.
    const buffers = [Buffer.allocUnsafe(PIECE_BYTES), Buffer.allocUnsafe(PIECE_BYTES)]
    for (let turn = 0; ; turn ^= 1) {
      const buffer = buffers[turn] ?? Buffer.alloc(0)
      const { bytesRead } = await file.read(buffer, 0, buffer.length, null)
      if (bytesRead === 0) break
      size += bytesRead
      yield buffer.subarray(0, bytesRead)
    }
  } finally {
    await file.close()
  }
  // Content-Length went out with the size checked before: a file changed since cannot be sent.
  if (size !== part.size) {
    throw new LocalFileError(
      `${part.path} changed while it was being uploaded (${part.size} bytes before, ${size} now).`
    )
  }
  yield tail
}

/** A name in a quoted header parameter: quotes and line breaks percent-encoded (RFC 7578, 4.2). */
function quoted(name: string): string {
  return name.replace(
    /["\r\n]/g,
    char => `%${char.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`
  )
}
