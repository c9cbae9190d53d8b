// A fresh sample emulator for every test of a file: `const zoho = useSampleZoho()` at the top.
import { afterEach, beforeEach } from '@jest/globals'
import { startSampleEmulator } from '../../emulator/sample.ts'
import type { EmulatedJob, ZohoEmulator } from '../../emulator/zoho-emulator.ts'

export interface SampleZoho {
  readonly emulator: ZohoEmulator
  /** The sample job, live: tests set its state and read what the action did to it. */
  readonly job: EmulatedJob
  /** The emulator's base URL, for `api-url` and `accounts-url`. */
  readonly url: string
}

export function useSampleZoho(): SampleZoho {
  let current: SampleZoho | undefined
  beforeEach(async () => {
    current = await startSampleEmulator()
  })
  afterEach(async () => {
    await current?.emulator.stop()
  })
  const now = (): SampleZoho => {
    if (current === undefined) throw new Error('useSampleZoho() is for use inside a test')
    return current
  }
  return {
    get emulator() {
      return now().emulator
    },
    get job() {
      return now().job
    },
    get url() {
      return now().url
    }
  }
}
