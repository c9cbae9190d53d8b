// The post step, which runs only when the workflow was cancelled (action.yml: post-if:
// cancelled()). When the runner killed the main step before it could abort a job it had created or
// started and was waiting on, the main step left that job in the state PENDING_JOB_STATE; the
// post step aborts it. A main step that ended on its own left nothing, and no call is made.
import * as core from '@actions/core'
import { ActionError, failureMessage } from './errors.ts'
import { readSettings } from './inputs.ts'
import type { RunRecord } from './report.ts'
import { abortLeftJob, newJobRun, PENDING_JOB_STATE } from './run-steps.ts'
import { Secrets } from './secrets.ts'
import { isRecord, jsonObject } from './zoho/reply.ts'
import { JOB_ID_DIGITS } from './zoho/endpoints.ts'

export async function runPost(): Promise<void> {
  const saved = jsonObject(core.getState(PENDING_JOB_STATE))
  const jobId = saved?.['jobId']
  if (!isRecord(saved) || typeof jobId !== 'string' || !JOB_ID_DIGITS.test(jobId)) {
    core.info('The main step left no job running: nothing to abort.')
    return
  }
  const secrets = new Secrets()
  try {
    const settings = readSettings(secrets)
    if (settings.maskJobId) secrets.add(jobId)
    const record: RunRecord = {
      startedMs: Date.now(),
      calls: { made: 0 },
      mints: { made: 0 },
      events: [],
      jobId
    }
    const run = newJobRun(settings, undefined, record, secrets, new AbortController().signal)
    core.info(
      secrets.redact(`The main step was ended before it could abort job ${jobId}; aborting it now.`)
    )
    const note = await abortLeftJob(run, 'the workflow was cancelled while it ran')
    if (record.abortedAfterFailure === true) core.info(note)
    else core.warning(note)
  } catch (error) {
    if (!(error instanceof ActionError)) throw error
    core.warning(
      secrets.redact(
        `Job ${jobId} may still be running: it could not be aborted (${failureMessage(error)}).`
      )
    )
  }
}
