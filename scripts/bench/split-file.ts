// For npm run bench: splits the CSV argv[2] into parts in the folder argv[3] as a load does: one
// read through the file first to check its records (load.ts, needsParts), then 100 MB parts on
// record boundaries, each removed once handed over, as a load does once the part is uploaded.
import { rm } from 'node:fs/promises'
import { checkJobFile, csvText, MAX_FILE_BYTES } from '../../src/job-file.ts'
import { countRecords, splitCsv } from '../../src/split.ts'

const [path = '', dir = ''] = process.argv.slice(2)
const file = await checkJobFile(path, true)
await countRecords(csvText(file), MAX_FILE_BYTES)
let parts = 0
for await (const part of splitCsv(csvText(file), 'bench', dir, {
  maxRecords: undefined,
  maxBytes: MAX_FILE_BYTES,
  skipRecords: 0
})) {
  parts += 1
  await rm(part.path)
}
console.log(parts)
