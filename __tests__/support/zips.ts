// Hand-made ZIPs that no zip library would write: one that inflates far beyond its size, and ones
// whose data cannot be read. One entry each, with a local header and a central directory.
import { constants, deflateRawSync } from 'node:zlib'

/** A ZIP holding `name` with `data` as stored by `method` (8 deflate, 0 stored, 12 bzip2...). */
export function zipOf(name: string, method: number, data: Buffer, size = data.length): Buffer {
  const fileName = Buffer.from(name)
  const local = Buffer.alloc(30)
  local.writeUInt32LE(0x04034b50, 0)
  local.writeUInt16LE(20, 4)
  local.writeUInt16LE(method, 8)
  local.writeUInt32LE(data.length, 18)
  local.writeUInt32LE(size, 22)
  local.writeUInt16LE(fileName.length, 26)
  const central = Buffer.alloc(46)
  central.writeUInt32LE(0x02014b50, 0)
  central.writeUInt16LE(20, 4)
  central.writeUInt16LE(20, 6)
  central.writeUInt16LE(method, 10)
  central.writeUInt32LE(data.length, 20)
  central.writeUInt32LE(size, 24)
  central.writeUInt16LE(fileName.length, 28)
  const end = Buffer.alloc(22)
  end.writeUInt32LE(0x06054b50, 0)
  end.writeUInt16LE(1, 8)
  end.writeUInt16LE(1, 10)
  end.writeUInt32LE(central.length + fileName.length, 12)
  end.writeUInt32LE(local.length + fileName.length + data.length, 16)
  return Buffer.concat([local, fileName, data, central, fileName, end])
}

/**
 * A failure CSV of about `mib` MiB of rows, deflated: each MiB is the same flushed deflate block,
 * repeated, so that a ZIP of about 2 kB per MiB inflates to all of it.
 */
export function zipBomb(mib: number, header = 'Employee_ID,Error\n'): Buffer {
  const row = 'E-1,bad row\n'
  const oneMib = Buffer.from(row.repeat(Math.floor((1024 * 1024) / row.length)))
  const flush = { level: 9, finishFlush: constants.Z_FULL_FLUSH }
  const head = deflateRawSync(Buffer.concat([Buffer.from(header), oneMib]), flush)
  const body = deflateRawSync(oneMib, flush)
  const last = Buffer.from([0x03, 0x00]) // an empty final block
  const deflated = Buffer.concat([head, ...Array.from({ length: mib - 1 }, () => body), last])
  return zipOf(
    'Employee_Details_failure.csv',
    8,
    deflated,
    Math.min(mib * oneMib.length, 0xffffffff)
  )
}

export interface ZipPiece {
  readonly name: string
  readonly data: Buffer
  /** 0 stored (the default), 8 deflated: `data` is written as given. */
  readonly method?: number
  readonly flags?: number
  /** Extra bytes after the name in the entry's local header, and in its directory entry. */
  readonly localExtra?: number
  readonly centralExtra?: number
  readonly comment?: string
}

/** A ZIP of many entries, each with the extra fields and comments given, and a ZIP comment. */
export function zipOfPieces(pieces: readonly ZipPiece[], comment = ''): Buffer {
  const locals: Buffer[] = []
  const centrals: Buffer[] = []
  let offset = 0
  for (const piece of pieces) {
    const name = Buffer.from(piece.name)
    const local = Buffer.alloc(30)
    local.writeUInt32LE(0x04034b50, 0)
    local.writeUInt16LE(20, 4)
    local.writeUInt16LE(piece.flags ?? 0, 6)
    local.writeUInt16LE(piece.method ?? 0, 8)
    local.writeUInt32LE(piece.data.length, 18)
    local.writeUInt16LE(name.length, 26)
    local.writeUInt16LE(piece.localExtra ?? 0, 28)
    const localBytes = Buffer.concat([
      local,
      name,
      Buffer.alloc(piece.localExtra ?? 0, 0xee),
      piece.data
    ])
    const central = Buffer.alloc(46)
    const entryComment = Buffer.from(piece.comment ?? '')
    central.writeUInt32LE(0x02014b50, 0)
    central.writeUInt16LE(20, 4)
    central.writeUInt16LE(20, 6)
    central.writeUInt16LE(piece.flags ?? 0, 8)
    central.writeUInt16LE(piece.method ?? 0, 10)
    central.writeUInt32LE(piece.data.length, 20)
    central.writeUInt16LE(name.length, 28)
    central.writeUInt16LE(piece.centralExtra ?? 0, 30)
    central.writeUInt16LE(entryComment.length, 32)
    central.writeUInt32LE(offset, 42)
    centrals.push(central, name, Buffer.alloc(piece.centralExtra ?? 0, 0xee), entryComment)
    locals.push(localBytes)
    offset += localBytes.length
  }
  const directory = Buffer.concat(centrals)
  const zipComment = Buffer.from(comment)
  const end = Buffer.alloc(22)
  end.writeUInt32LE(0x06054b50, 0)
  end.writeUInt16LE(pieces.length, 8)
  end.writeUInt16LE(pieces.length, 10)
  end.writeUInt32LE(directory.length, 12)
  end.writeUInt32LE(offset, 16)
  end.writeUInt16LE(zipComment.length, 20)
  return Buffer.concat([...locals, directory, end, zipComment])
}
