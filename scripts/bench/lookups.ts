// For npm run bench: a load's lookup stage on the CSV argv[2] against the emulator at argv[4]
// (sample account, its related forms): the IDs and codes of the departments read with Bulk Read,
// then the file written to argv[3] with each Department code replaced by its department's ID.
// Prints, as JSON, the rewriting pass's time (the part that reads the whole file) and the counts.
import { join } from 'node:path'
import { checkJobFile } from '../../src/job-file.ts'
import { lookupColumns, parentIds, rewriteLookups } from '../../src/operations/lookups.ts'
import { RELATED, SAMPLE } from '../../emulator/sample.ts'
import { quietContext, READ_WAIT, sampleConnection } from './sample-calls.ts'

const [path = '', dir = '', url = ''] = process.argv.slice(2)
const file = await checkJobFile(path, {
  splittable: true,
  dialect: { encoding: 'auto', delimiter: 'auto' },
  copyRoot: dir
})
const lookup = {
  column: 'Department',
  source: { report: RELATED.departments.report, field: RELATED.departments.key }
}
const [index = -1] = await lookupColumns(file, [lookup])
const ids = await parentIds(
  lookup.source,
  {
    form: { owner: SAMPLE.owner, app: SAMPLE.app, form: RELATED.employees.form },
    dir,
    wait: READ_WAIT
  },
  sampleConnection(url),
  quietContext()
)
const started = performance.now()
const report = await rewriteLookups(
  file,
  [{ lookup, index, ids }],
  {
    problems: join(dir, 'problems.csv'),
    sorting: { kept: join(dir, 'resolved.csv'), rejected: join(dir, 'rejected.csv') }
  },
  true
)
console.log(
  JSON.stringify({
    rewriteMs: performance.now() - started,
    parents: ids.size,
    kept: report.kept,
    rejected: report.badRows
  })
)
