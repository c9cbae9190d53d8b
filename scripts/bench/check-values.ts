// For npm run bench: checks every value of the CSV argv[2] against the fields of the bench's form,
// as check-values does after the file check (the fields as Get Fields would list them), and prints
// the rows with a problem.
import { join } from 'node:path'
import { checkJobFile, forEachRow } from '../../src/job-file.ts'
import { ValueChecker } from '../../src/operations/check-values.ts'
import { fieldsOf } from '../../src/zoho/fields.ts'
import { BENCH_FIELDS } from './files.ts'

const [path = '', dir = ''] = process.argv.slice(2)
const file = await checkJobFile(path, {
  splittable: true,
  dialect: { encoding: 'auto', delimiter: 'auto' },
  copyRoot: dir
})
const fields = fieldsOf(BENCH_FIELDS) ?? []
const checker = await ValueChecker.writingTo(join(dir, 'problems.csv'), file.columns, fields)
await forEachRow(
  file,
  (cells, row) => {
    checker.add(cells, row)
  },
  () => true,
  async () => checker.flush()
)
console.log((await checker.close()).rows)
