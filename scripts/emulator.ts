// `npm run emulator`: the local Zoho on http://127.0.0.1:8787 (EMULATOR_PORT to change it) until
// stopped, for running the action by hand: CI's `uses: ./` job, `npm run local-action`. It holds the
// sample account of __tests__/emulator/sample.ts; its job runs 3 s once started and completes, with
// one of ten records failed.
import { strToU8, zipSync } from 'fflate'
import { SAMPLE, startSampleEmulator } from '../__tests__/emulator/sample.ts'

const port = Number(process.env['EMULATOR_PORT'] ?? 8787)
const { emulator, job, url } = await startSampleEmulator(undefined, port)
job.run = {
  forMs: 3000,
  ends: 'Completed',
  records: { total: 10, success: 9, failed: 1, unprocessed: 0 }
}
job.results = {
  failure: zipSync({
    'Employee_Details_failure.csv': strToU8('Employee_ID,Error\nE-7,Invalid email address\n')
  })
}
console.log(
  `Zoho emulator on ${url}: owner ${SAMPLE.owner}, app ${SAMPLE.app}, form ${SAMPLE.form}, job ${SAMPLE.jobId}`
)

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void emulator.stop()
  })
}
