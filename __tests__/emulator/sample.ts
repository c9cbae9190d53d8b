// The account the tests and the demo talk to: Zoho's own example names from the seed page.
import { type EmulatedJob, type TlsOptions, ZohoEmulator } from './zoho-emulator.ts'

export const SAMPLE = {
  owner: 'jason18',
  app: 'zylker-store',
  form: 'Employee_Details',
  jobId: '3888833000000114027',
  token: '1000.8cb99d5f3c1e4a7b9be93.9b8e2f7a6c5d4b3a2f1e0d9c8b7a6f5e4'
} as const

/** The inputs of a step that starts the sample job through the emulator at `url`. */
export function sampleInputs(url: string): Record<string, string> {
  return {
    owner: SAMPLE.owner,
    app: SAMPLE.app,
    form: SAMPLE.form,
    'job-id': SAMPLE.jobId,
    action: 'start',
    token: SAMPLE.token,
    'api-url': url
  }
}

/** An emulator holding the sample account, its token, and one uploaded job ready to start. */
export async function startSampleEmulator(
  tls?: TlsOptions
): Promise<{ emulator: ZohoEmulator; job: EmulatedJob; url: string }> {
  const emulator = new ZohoEmulator(tls)
  emulator.addApp(SAMPLE.owner, SAMPLE.app, [SAMPLE.form])
  emulator.addToken(SAMPLE.token)
  const job = emulator.addJob({
    owner: SAMPLE.owner,
    app: SAMPLE.app,
    form: SAMPLE.form,
    id: SAMPLE.jobId,
    state: 'Ready-to-upload',
    uploaded: true
  })
  return { emulator, job, url: await emulator.start() }
}
