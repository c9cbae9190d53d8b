// For npm run bench: the floor of a pass over a file, a bare Node read of argv[2] written to argv[3].
import { createReadStream, createWriteStream } from 'node:fs'
import { rm } from 'node:fs/promises'
import { pipeline } from 'node:stream/promises'

const [from, to] = process.argv.slice(2)
await pipeline(createReadStream(from), createWriteStream(to))
await rm(to)
