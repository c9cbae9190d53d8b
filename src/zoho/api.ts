// Calls to the Creator API as the step's user: each attempt carries the current access token, and
// a call Zoho answers with 1030 (token invalid or expired) is made once more with a new token when
// the action can mint one; when it cannot (a given token), the error says to check dc too.
import type { HttpRequest } from '../http/send.ts'
import type { AccessTokens } from './auth.ts'
import { type CallContext, type CallOptions, call, download, type Judge } from './call.ts'
import { TOKEN_REFUSED_CODE } from './codes.ts'
import { replyBehind, ZohoError, type ZohoReply } from './reply.ts'
import type { ApiPlace } from './requests.ts'

/** Where and as whom API calls are made. */
export interface Connection extends ApiPlace {
  readonly tokens: AccessTokens
}

/** call() with the access token. */
export async function callApi(
  connection: Connection,
  request: HttpRequest,
  judge: Judge,
  context: CallContext,
  options?: CallOptions
): Promise<ZohoReply> {
  return withToken(connection, context, async token =>
    call(authorised(request, token), judge, context, options)
  )
}

/** download() with the access token. */
export async function downloadApi(
  connection: Connection,
  request: HttpRequest,
  path: string,
  judge: (reply: ZohoReply) => ZohoError,
  context: CallContext
): Promise<void> {
  await withToken(connection, context, async token => {
    await download(authorised(request, token), path, judge, context)
  })
}

async function withToken<T>(
  connection: Connection,
  context: CallContext,
  send: (token: string) => Promise<T>
): Promise<T> {
  try {
    return await send(await connection.tokens.current(context))
  } catch (error) {
    if (replyBehind(error)?.code !== TOKEN_REFUSED_CODE) throw error
    if (!(await connection.tokens.renew(context))) throw givenTokenRefused(error)
    return send(await connection.tokens.current(context))
  }
}

/**
 * A given token Zoho refused: expired, or of another data centre, which Zoho refuses the same way
 * (a minted one is checked against dc when it is minted).
 */
function givenTokenRefused(error: unknown): unknown {
  if (!(error instanceof ZohoError)) return error
  return new ZohoError(
    `${error.message} A token of another data centre is refused the same way: check dc.`,
    error.reply
  )
}

function authorised(request: HttpRequest, token: string): HttpRequest {
  return { ...request, headers: { ...request.headers, Authorization: `Zoho-oauthtoken ${token}` } }
}
