// For npm run bench: writes the UTF-16, semicolon-separated CSV argv[2] as the UTF-8, comma-separated
// copy a load sends, under the folder argv[3], as the file check does.
import { checkJobFile, discardCopy } from '../../src/job-file.ts'

const [path = '', dir = ''] = process.argv.slice(2)
const file = await checkJobFile(path, {
  splittable: true,
  dialect: { encoding: 'auto', delimiter: 'auto' },
  copyRoot: dir
})
console.log(file.size)
await discardCopy(file)
