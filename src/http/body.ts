// Reads an answer's body in time linear in its size and within a cap, decoded when a gateway
// compressed it although the request asked for it as it is.
import type { IncomingMessage } from 'node:http'
import { type Readable, pipeline } from 'node:stream'
import { createBrotliDecompress, createUnzip } from 'node:zlib'
import { TransportError } from '../errors.ts'
import type { BodyReader } from './send.ts'

const DECODERS: Readonly<Record<string, () => NodeJS.ReadWriteStream>> = {
  // Unzip reads gzip and zlib-wrapped deflate alike, telling them apart by their header.
  gzip: createUnzip,
  'x-gzip': createUnzip,
  deflate: createUnzip,
  br: createBrotliDecompress
}

/** The body as sent, decoded; an error of the connection or the decoder reaches its reader. */
export function decodedBody(response: IncomingMessage): Readable {
  const encoding = (response.headers['content-encoding'] ?? '').trim().toLowerCase()
  if (encoding === '' || encoding === 'identity') return response
  const decoder = DECODERS[encoding]
  if (decoder === undefined) {
    response.destroy()
    throw new TransportError(
      `The answer came encoded as "${encoding.slice(0, 40)}", which this action cannot decode.`,
      { retryable: true, sent: true }
    )
  }
  return pipeline(response, decoder(), () => {}) as unknown as Readable
}

/** Reads the whole decoded body, or fails once it passes `maxBytes`, without reading further. */
export function readBody(maxBytes: number): BodyReader<Buffer> {
  return async response => {
    const chunks: Buffer[] = []
    let size = 0
    for await (const chunk of decodedBody(response)) {
      size += (chunk as Buffer).length
      if (size > maxBytes) {
        throw new TransportError(
          `The answer is larger than ${maxBytes / 1024} KiB, more than any answer this action ` +
            'expects; it was not read.',
          { retryable: true, sent: true }
        )
      }
      chunks.push(chunk as Buffer)
    }
    return Buffer.concat(chunks, size)
  }
}
