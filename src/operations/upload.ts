// Uploads the job's file (zoho-bulk-api.md, "Create and upload"): multipart/form-data with one part
// named "file", streamed from disk with its length announced. Zoho documents two URLs for it; the
// path form goes first, and the query form once when Zoho does not know the path form.
import { ActionError } from '../errors.ts'
import { multipartFile } from '../http/multipart.ts'
import type { JobFile } from '../job-file.ts'
import { callApi, type Connection } from '../zoho/api.ts'
import type { CallContext } from '../zoho/call.ts'
import { FILE_EXISTS_CODE, UNKNOWN_URL_CODE } from '../zoho/codes.ts'
import type { JobRef, UploadUrlForm } from '../zoho/endpoints.ts'
import { replyBehind, replyError, ZohoError, type ZohoReply } from '../zoho/reply.ts'
import { uploadRequest } from '../zoho/requests.ts'
import { mayHaveApplied } from '../zoho/retry-table.ts'

export interface Upload {
  readonly reply: ZohoReply
  readonly bytes: number
  readonly ms: number
  /** The URL form Zoho took the file at. */
  readonly urlForm: UploadUrlForm
  /** Something the user should know though the upload succeeded. */
  readonly warning?: string
}

const BYTES_PER_EXTRA_MS = (1024 * 1024) / 1000

/** How long each attempt of an upload of `bytes` may take: `timeout`, and a second more per MiB. */
export const uploadTimeoutMs = (timeoutMs: number, bytes: number): number =>
  timeoutMs + bytes / BYTES_PER_EXTRA_MS

export async function uploadJobFile(
  job: JobRef,
  file: JobFile,
  connection: Connection,
  context: CallContext
): Promise<Upload> {
  const multipart = multipartFile({
    field: 'file',
    path: file.path,
    fileName: file.name,
    size: file.size,
    contentType: file.kind === 'zip' ? 'application/zip' : 'text/csv'
  })
  const uploading = { ...context, timeoutMs: uploadTimeoutMs(context.timeoutMs, file.size) }
  const startedMs = context.clock.now()
  const attempt = async (urlForm: UploadUrlForm): Promise<Upload> => {
    const request = uploadRequest(connection, job, multipart, urlForm)
    context.log(`${request.method} ${request.url} (upload ${file.name}, ${file.size} bytes)`)
    const failures: ActionError[] = []
    const done = (reply: ZohoReply, warning?: string): Upload => ({
      reply,
      bytes: file.size,
      ms: context.clock.now() - startedMs,
      urlForm,
      ...(warning === undefined ? {} : { warning })
    })
    try {
      const reply = await callApi(
        connection,
        request,
        reply => replyError(reply, 'take the file', 'upload'),
        uploading,
        { onFailure: error => failures.push(error) }
      )
      return done(reply)
    } catch (error) {
      const reply = replyBehind(error)
      if (reply?.code !== FILE_EXISTS_CODE || !failures.some(mayHaveApplied)) throw error
      // The answer to an earlier attempt was lost, and that attempt did upload the file.
      return done(
        reply,
        'An earlier attempt to upload the file reached Zoho although its answer was lost: Zoho ' +
          'then said the job already has its file (code 11070), so the upload is done.'
      )
    }
  }
  try {
    const upload = await attempt('path')
    context.debug?.('Zoho took the file at the job URL (…/insert/<job-id>).')
    return upload
  } catch (error) {
    if (!(error instanceof ZohoError) || !unknownUrl(error.reply)) throw error
    context.log(
      `Zoho does not know the job URL for uploads (${error.message}); trying the form Zoho's sample shows, …/insert?job_id=<job-id>.`
    )
    const upload = await attempt('query')
    context.debug?.('Zoho took the file at the query URL (…/insert?job_id=<job-id>).')
    return upload
  }
}

/** Zoho's answer to a URL it does not serve: a 404 with code 1000, or a 404 that is not JSON. */
function unknownUrl(reply: ZohoReply): boolean {
  return reply.httpStatus === 404 && (reply.data === undefined || reply.code === UNKNOWN_URL_CODE)
}
