// Creates a job for the form (zoho-bulk-api.md, "Create and upload"). A create is not idempotent: a
// second one would meet the first job, and the form takes one active job at a time. So a create is
// retried only when it cannot have reached Zoho (nothing sent, or Zoho said "too many requests").
import { ActionError } from '../errors.ts'
import { callApi, type Connection } from '../zoho/api.ts'
import type { CallContext } from '../zoho/call.ts'
import type { FormRef } from '../zoho/endpoints.ts'
import { exactIdOf, replyError, ZohoError, type ZohoReply } from '../zoho/reply.ts'
import { createJobRequest } from '../zoho/requests.ts'
import { classify, mayHaveApplied } from '../zoho/retry-table.ts'

export interface CreatedJob {
  readonly jobId: string
  readonly reply: ZohoReply
}

const MAY_EXIST =
  'A job may exist all the same, and it blocks the form (one active job per form) until it ' +
  'expires, 3 hours after its creation when it is never started: abort it in Creator, or wait, ' +
  'before you run the step again.'

export async function createJob(
  form: FormRef,
  connection: Connection,
  context: CallContext
): Promise<CreatedJob> {
  const request = createJobRequest(connection, form)
  context.log(`${request.method} ${request.url} (create a job)`)
  const failures: ActionError[] = []
  let reply: ZohoReply
  try {
    reply = await callApi(
      connection,
      request,
      reply => replyError(reply, 'create the job', 'create') ?? withoutJobId(reply),
      context,
      {
        onFailure: error => failures.push(error),
        classify: error => (mayHaveApplied(error) ? { retry: false } : classify(error))
      }
    )
  } catch (error) {
    if (error instanceof ActionError && failures.some(mayHaveApplied))
      throw new ActionError(`${error.message} The create may have reached Zoho: ${MAY_EXIST}`)
    throw error
  }
  // Stryker disable next-line StringLiteral: unreachable, withoutJobId refused a reply without one
  return { jobId: exactIdOf(reply, 'job_id') ?? '', reply }
}

function withoutJobId(reply: ZohoReply): ZohoError | undefined {
  if (exactIdOf(reply, 'job_id') !== undefined) return undefined
  return new ZohoError(
    `Zoho answered the create with success but no job ID this action can read: ${reply.quoted.body}. ${MAY_EXIST}`,
    reply
  )
}
