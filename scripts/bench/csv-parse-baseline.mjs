// For npm run bench: what a user would otherwise run, csv-parse's streaming parser merely parsing
// the CSV argv[2] (argv[3] "utf16" for UTF-16 with semicolons), counting its records.
import { createReadStream } from 'node:fs'
import { parse } from 'csv-parse'

const [path, kind] = process.argv.slice(2)
const parser = createReadStream(path).pipe(
  parse(kind === 'utf16' ? { encoding: 'utf16le', delimiter: ';', bom: true } : { bom: true })
)
let records = 0
for await (const record of parser) if (record.length > 0) records += 1
console.log(records)
