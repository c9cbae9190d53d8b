// For npm run bench: a load's key stage on the CSV argv[2] against the emulator at argv[4] (sample
// account): the file's keys checked, the keys the form holds read with Bulk Read, and the records
// sent to the load or to skipped.csv in argv[3]. Prints, as JSON, the filtering pass's time (the
// part that reads the whole file) and the counts.
import { join } from 'node:path'
import { checkJobFile } from '../../src/job-file.ts'
import { checkFileKeys, filterByKey, keysInZoho } from '../../src/operations/keys.ts'
import { SAMPLE } from '../../emulator/sample.ts'
import { quietContext, READ_WAIT, sampleConnection } from './sample-calls.ts'

const [path = '', dir = '', url = ''] = process.argv.slice(2)
const key = ['Employee_ID']
const file = await checkJobFile(path, {
  splittable: true,
  dialect: { encoding: 'auto', delimiter: 'auto' },
  copyRoot: dir
})
const keyed = await checkFileKeys(file, key)
const { found } = await keysInZoho(
  keyed.keys,
  key,
  {
    report: { owner: SAMPLE.owner, app: SAMPLE.app, report: SAMPLE.report },
    dir,
    wait: READ_WAIT
  },
  sampleConnection(url),
  quietContext()
)
const started = performance.now()
const counts = await filterByKey(file, keyed.columns, found, {
  load: join(dir, 'load.csv'),
  skipped: join(dir, 'skipped.csv')
})
console.log(JSON.stringify({ filterMs: performance.now() - started, ...counts }))
