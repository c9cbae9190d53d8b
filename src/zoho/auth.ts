// The access token the API calls carry: the one given, or one minted from a refresh token at the
// data centre's accounts server (zoho-bulk-api.md, "OAuth refresh") and minted again before it
// expires, so that a wait longer than a token's hour goes on. Zoho answers the token endpoint's
// failures with HTTP 200 or 4xx alike, so its `error` field, not the status, says what went wrong.
import { ActionError } from '../errors.ts'
import type { HttpRequest } from '../http/send.ts'
import type { Secrets } from '../secrets.ts'
import { type CallContext, type Counter, call } from './call.ts'
import { DATA_CENTRES, type DataCentre } from './datacenters.ts'
import { unreadableReply, wholeNumber, ZohoError, type ZohoReply } from './reply.ts'

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

/** The access token for the next call, renewed when it is about to expire or Zoho refused it. */
export interface AccessTokens {
  current(context: CallContext): Promise<string>
  /** Mints a new token after Zoho refused the current one; false when there is no way to. */
  renew(context: CallContext): Promise<boolean>
}

// Zoho's access tokens live an hour; the reply says so in expires_in (seconds).
const DEFAULT_LIFETIME_S = 3600
// A token is renewed this long before it expires: five minutes, or a quarter of a short life.
const RENEW_MARGIN_MS = 5 * 60_000

/**
 * The tokens for `auth`. Token requests go to the accounts server, not the API: they are counted in
 * `mints`, apart from the API calls.
 */
export function accessTokens(
  auth: Auth,
  dataCentre: DataCentre,
  secrets: Secrets,
  mints: Counter
): AccessTokens {
  if (auth.kind === 'token') {
    return { current: () => Promise.resolve(auth.token), renew: () => Promise.resolve(false) }
  }
  let held: { token: string; renewAt: number } | undefined
  const mint = async (context: CallContext, why: string): Promise<string> => {
    context.log(`${why} at ${auth.credentials.accountsBaseUrl}.`)
    const minted = await mintAccessToken(auth.credentials, dataCentre, secrets, {
      ...context,
      calls: mints
    })
    const lifetimeMs = minted.lifetimeS * 1000
    held = {
      token: minted.token,
      renewAt: context.clock.now() + lifetimeMs - Math.min(RENEW_MARGIN_MS, lifetimeMs / 4)
    }
    return minted.token
  }
  return {
    current: async context => {
      if (held === undefined) return mint(context, 'Minting an access token')
      if (context.clock.now() >= held.renewAt)
        return mint(context, 'The access token is about to expire; minting a new one')
      return held.token
    },
    renew: async context => {
      await mint(context, 'Zoho refused the access token (code 1030); minting a new one')
      return true
    }
  }
}

/** POST /oauth/v2/token with the credentials as form fields: secrets go in the body, never the URL. */
export function tokenRequest(credentials: RefreshCredentials): HttpRequest {
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

/** Mints an access token, masks it at once, and checks it is of use at the chosen data centre. */
async function mintAccessToken(
  credentials: RefreshCredentials,
  dataCentre: DataCentre,
  secrets: Secrets,
  context: CallContext
): Promise<{ token: string; lifetimeS: number }> {
  const reply = await call(
    tokenRequest(credentials),
    reply => {
      const token = reply.data?.['access_token']
      // Masked before anything, even a refusal of it, can print it.
      if (typeof token === 'string') for (const line of token.split(/[\r\n]/)) secrets.add(line)
      return tokenReplyError(reply, dataCentre)
    },
    context
  )
  checkApiDomain(reply.data?.['api_domain'], dataCentre)
  return {
    token: String(reply.data?.['access_token']),
    lifetimeS: positive(wholeNumber(reply.data?.['expires_in'])) ?? DEFAULT_LIFETIME_S
  }
}

const positive = (value: number | undefined) => (value === 0 ? undefined : value)

// What an HTTP header can carry: visible ASCII, no spaces or control characters.
const HEADER_SAFE = /^[\x21-\x7e]+$/

/** Why the accounts server's reply holds no usable access token, or undefined when it holds one. */
export function tokenReplyError(reply: ZohoReply, dataCentre: DataCentre): ZohoError | undefined {
  const unreadable = unreadableReply(reply)
  if (unreadable !== undefined) return unreadable
  const error = reply.data?.['error']
  const description = reply.data?.['error_description']
  const said = `HTTP ${reply.httpStatus}, error "${String(error)}"${
    typeof description === 'string' ? `: ${reply.quoted.message}` : ''
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
  const token = reply.data?.['access_token']
  if (typeof token !== 'string' || reply.httpStatus < 200 || reply.httpStatus >= 300) {
    return new ZohoError(
      `Zoho's accounts server answered HTTP ${reply.httpStatus} without an access token. Check accounts-url.`,
      reply
    )
  }
  if (!HEADER_SAFE.test(token)) {
    return new ZohoError(
      `Zoho's accounts server answered with an access token that cannot be sent in a header ` +
        '(it holds spaces, line breaks or other control characters); no API call was made with it.',
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
