// Mints an access token from a refresh token at the data centre's accounts server
// (zoho-bulk-api.md, "OAuth refresh"). Zoho answers failures with HTTP 200 or 4xx alike, so its
// `error` field, not the status, says what went wrong.
import { ActionError, ZohoError } from '../errors.ts'
import type { Secrets } from '../secrets.ts'
import { type CallContext, call } from './client.ts'
import { DATA_CENTRES, type DataCentre } from './datacenters.ts'
import type { ZohoRequest } from './requests.ts'
import { oneLine, unreadableReply, type ZohoReply } from './response.ts'

export interface RefreshCredentials {
  readonly clientId: string
  readonly clientSecret: string
  readonly refreshToken: string
  /** The accounts server's base URL, without a trailing slash. */
  readonly accountsBaseUrl: string
}

/** How the action gets its access token: given, or minted from a refresh token. */
export type Auth =
  | { readonly kind: 'token'; /** Without a `Zoho-oauthtoken ` prefix. */ readonly token: string }
  | { readonly kind: 'refresh'; readonly credentials: RefreshCredentials }

/** The access token to call the API with: the one given, or one minted now. */
export async function accessToken(
  auth: Auth,
  dataCentre: DataCentre,
  secrets: Secrets,
  context: CallContext
): Promise<string> {
  if (auth.kind === 'token') return auth.token
  context.log(`Minting an access token at ${auth.credentials.accountsBaseUrl}.`)
  return mintAccessToken(auth.credentials, dataCentre, secrets, context)
}

/** POST /oauth/v2/token with the credentials as form fields: secrets go in the body, never the URL. */
export function tokenRequest(credentials: RefreshCredentials): ZohoRequest {
  return {
    method: 'POST',
    url: `${credentials.accountsBaseUrl}/oauth/v2/token`,
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
    body: new URLSearchParams({
      grant_type: 'refresh_token',
      client_id: credentials.clientId,
      client_secret: credentials.clientSecret,
      refresh_token: credentials.refreshToken
    }).toString()
  }
}

/** Mints an access token, masks it at once, and checks it belongs to the chosen data centre. */
export async function mintAccessToken(
  credentials: RefreshCredentials,
  dataCentre: DataCentre,
  secrets: Secrets,
  context: CallContext
): Promise<string> {
  const reply = await call(
    tokenRequest(credentials),
    reply => {
      const token = reply.data?.['access_token']
      if (typeof token === 'string') secrets.add(token)
      return tokenReplyError(reply, dataCentre)
    },
    context
  )
  checkApiDomain(reply.data?.['api_domain'], dataCentre)
  return String(reply.data?.['access_token'])
}

/** Why the accounts server's reply holds no access token, or undefined when it holds one. */
export function tokenReplyError(reply: ZohoReply, dataCentre: DataCentre): ZohoError | undefined {
  const unreadable = unreadableReply(reply)
  if (unreadable !== undefined) return unreadable
  const error = reply.data?.['error']
  const description = reply.data?.['error_description']
  const said = `HTTP ${reply.httpStatus}, error "${String(error)}"${
    typeof description === 'string' ? `: ${oneLine(description)}` : ''
  }`
  if (error === 'invalid_code') {
    return new ZohoError(
      `Zoho refused the refresh token (${said}): it is wrong, revoked, or from another data centre. ` +
        'Generate a new one from your Self Client and store it in the refresh-token secret.',
      reply
    )
  }
  if (error === 'invalid_client') {
    return new ZohoError(
      `Zoho refused the client (${said}): check client-id and client-secret, and that the client ` +
        `was made in the API console of data centre "${dataCentre.code}".`,
      reply
    )
  }
  if (
    error === 'Access Denied' ||
    (typeof description === 'string' && /too many requests/i.test(description))
  ) {
    return new ZohoError(
      `Zoho's accounts server is throttling token requests (${said}). A refresh token mints about ` +
        '10 access tokens in 10 minutes: run fewer jobs with it at once.',
      reply,
      true
    )
  }
  if (error !== undefined)
    return new ZohoError(`Zoho's accounts server refused the token request (${said}).`, reply)
  if (typeof reply.data?.['access_token'] !== 'string' || reply.httpStatus >= 300) {
    return new ZohoError(
      `Zoho's accounts server answered HTTP ${reply.httpStatus} without an access token. Check accounts-url.`,
      reply
    )
  }
  return undefined
}

/** A token minted by another DC's accounts server is useless at this DC's API host. */
function checkApiDomain(apiDomain: unknown, dataCentre: DataCentre): void {
  if (typeof apiDomain !== 'string') return
  const host = URL.parse(apiDomain)?.hostname
  const tokenDataCentre = DATA_CENTRES.find(dc => dc.apiHost === host)
  if (tokenDataCentre !== undefined && tokenDataCentre !== dataCentre) {
    throw new ActionError(
      `The access token is for Zoho's "${tokenDataCentre.code}" data centre (api_domain ${apiDomain}), ` +
        `but dc is "${dataCentre.code}": set dc: ${tokenDataCentre.code}.`
    )
  }
}
