// `npm run emulator`: the local Zoho on http://127.0.0.1:8787 (EMULATOR_PORT to change it) until
// stopped, for running the action by hand: CI's `uses: ./` job, `npm run local-action`. It holds the
// sample account of emulator/sample.ts; its job runs 3 s once started and completes, with
// one of ten records failed. Each request is printed as it is answered, and the sample job can be
// run again after a POST to /_emulator/reset.
import { strToU8, zipSync } from 'fflate'
import { SAMPLE, startSampleEmulator } from '../emulator/sample.ts'
import { RESET_PATH } from '../emulator/zoho-emulator.ts'

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
emulator.onAnswer = (request, answer) => {
  const time = new Date().toISOString().slice(11, 23)
  console.log(`${time} ${request.method} ${request.url} → ${answer}`)
}
console.log(
  `Zoho emulator on ${url}: owner ${SAMPLE.owner}, app ${SAMPLE.app}, form ${SAMPLE.form}, job ${SAMPLE.jobId}\n` +
    `Run the sample job again after it has run: curl -X POST ${url}${RESET_PATH}\n` +
    'Stop with Ctrl+C.'
)

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void emulator.stop()
  })
}
