// For npm run bench: splits the CSV argv[2] into 100 MB parts on record boundaries in the folder
// argv[3], as a load does before its first job, then removes them, as a load does once uploaded.
import { rm } from 'node:fs/promises'
import { checkJobFile, csvSource, MAX_FILE_BYTES } from '../../src/job-file.ts'
import { splitCsv } from '../../src/csv/split.ts'

const [path = '', dir = ''] = process.argv.slice(2)
const file = await checkJobFile(path, {
  splittable: true,
  dialect: { encoding: 'auto', delimiter: 'auto' },
  copyRoot: dir
})
const parts = []
for await (const part of splitCsv(csvSource(file), 'bench', dir, {
  maxRecords: undefined,
  maxBytes: MAX_FILE_BYTES,
  skipRecords: 0
}))
  parts.push(part)
for (const part of parts) await rm(part.path)
console.log(parts.length)
