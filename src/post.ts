// The post step, which runs only when the workflow was cancelled (action.yml: post-if:
// cancelled()). When the runner killed the main step before it could abort a job it held, the main
// step left that job in its state (held-job.ts); the post step aborts it. A main step that ended on
// its own left nothing, and no call is made.
import * as core from '@actions/core'
import { ActionError, failureMessage } from './errors.ts'
import { abortJob, HeldJob } from './held-job.ts'
import { readSettings } from './inputs.ts'
import { connect } from './job-operations.ts'
import { Secrets } from './secrets.ts'

export async function runPost(): Promise<void> {
  const job = HeldJob.pending()
  if (job === undefined) {
    core.info('The main step left no job running: nothing to abort.')
    return
  }
  const secrets = new Secrets()
  try {
    const settings = readSettings(secrets)
    if (settings.maskJobId) secrets.add(job.jobId)
    const counters = { calls: { made: 0 }, mints: { made: 0 } }
    const { connection, context } = connect(
      settings,
      secrets,
      counters,
      new AbortController().signal
    )
    core.info(
      secrets.redact(
        `The main step was ended before it could abort job ${job.jobId}; aborting it now.`
      )
    )
    const { aborted, note } = await abortJob(
      job,
      'the workflow was cancelled while it ran',
      connection,
      context
    )
    if (aborted) core.info(note)
    else core.warning(note)
  } catch (error) {
    if (!(error instanceof ActionError)) throw error
    core.warning(
      secrets.redact(
        `Job ${job.jobId} may still be running: it could not be aborted (${failureMessage(error)}).`
      )
    )
  }
}
