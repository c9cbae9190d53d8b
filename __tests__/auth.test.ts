import { describe, expect, it } from '@jest/globals'
import { Secrets } from '../src/secrets.ts'
import { accessTokens, tokenReplyError, tokenRequest } from '../src/zoho/auth.ts'
import type { CallContext } from '../src/zoho/call.ts'
import { findDataCentre } from '../src/zoho/datacenters.ts'
import { SAMPLE, startSampleEmulator } from '../emulator/sample.ts'
import { reply } from './support/replies.ts'

const EU = findDataCentre('eu')
if (EU === undefined) throw new Error('the EU data centre is missing')
const CREDENTIALS = {
  clientId: '1000.CLIENT',
  clientSecret: 's3cr&t=x',
  refreshToken: '1000.refresh',
  accountsBaseUrl: 'https://accounts.zoho.eu'
}

describe('tokenRequest', () => {
  it('posts the credentials as form fields, never in the URL', () => {
    const request = tokenRequest(CREDENTIALS)
    expect(request.method).toBe('POST')
    expect(request.url).toBe('https://accounts.zoho.eu/oauth/v2/token')
    expect(request.headers).toEqual({
      'Content-Type': 'application/x-www-form-urlencoded',
      Accept: 'application/json'
    })
    expect(Object.fromEntries(new URLSearchParams(request.body as string))).toEqual({
      grant_type: 'refresh_token',
      client_id: '1000.CLIENT',
      client_secret: 's3cr&t=x',
      refresh_token: '1000.refresh'
    })
  })
})

describe('tokenReplyError', () => {
  const judge = (status: number, body: unknown) =>
    tokenReplyError(reply(status, typeof body === 'string' ? body : JSON.stringify(body)), EU)

  it('accepts a reply with an access token', () => {
    expect(
      judge(200, { access_token: '1000.a', api_domain: 'https://www.zohoapis.eu' })
    ).toBeUndefined()
  })

  it.each([200, 400])('reads invalid_code (HTTP %d) as a bad or revoked refresh token', status => {
    const error = judge(status, { error: 'invalid_code' })
    expect(error?.message).toBe(
      `Zoho refused the refresh token (HTTP ${status}, error "invalid_code"): it is wrong, revoked, or ` +
        'from another data centre. Generate a new one from your Self Client and store it in the refresh-token secret.'
    )
    expect(error?.throttled).toBe(false)
  })

  it('reads invalid_client as a wrong client ID or secret, naming the DC', () => {
    expect(judge(200, { error: 'invalid_client' })?.message).toContain(
      'check client-id and client-secret, and that the client was made in the API console of data centre "eu"'
    )
  })

  it.each([200, 400])('reads "Access Denied" (HTTP %d) as throttling, to be retried', status => {
    const error = judge(status, {
      error: 'Access Denied',
      error_description:
        'You have made too many requests continuously. Please try again after some time.'
    })
    expect(error?.throttled).toBe(true)
    expect(error?.message).toContain("Zoho's accounts server is throttling token requests")
  })

  it.each([
    [{ error: 'Access Denied' }, 'HTTP 400, error "Access Denied"'],
    [
      { error: 'rate_limited', error_description: 'Too many requests, slow down' },
      'HTTP 400, error "rate_limited": Too many requests, slow down'
    ]
  ])('reads %j as throttling, either sign alone', (body, said) => {
    const error = judge(400, body)
    expect(error?.throttled).toBe(true)
    expect(error?.message).toBe(
      `Zoho's accounts server is throttling token requests (${said}). A refresh token mints about ` +
        '10 access tokens in 10 minutes: run fewer jobs with it at once.'
    )
  })

  it('quotes the description Zoho gives with an error', () => {
    expect(
      judge(200, { error: 'invalid_scope', error_description: 'Scope is wrong' })?.message
    ).toBe(
      `Zoho's accounts server refused the token request (HTTP 200, error "invalid_scope": Scope is wrong).`
    )
  })

  it.each([199, 401, 500])('takes no access token from a reply with HTTP %d', status => {
    expect(judge(status, { access_token: '1000.a' })?.message).toBe(
      `Zoho's accounts server answered HTTP ${status} without an access token. Check accounts-url.`
    )
  })

  it.each([200, 299])('takes an access token from a reply with HTTP %d', status => {
    expect(judge(status, { access_token: '1000.a' })).toBeUndefined()
  })

  it('names any other error Zoho gives', () => {
    expect(judge(200, { error: 'invalid_scope' })?.message).toBe(
      `Zoho's accounts server refused the token request (HTTP 200, error "invalid_scope").`
    )
  })

  it('fails a reply without an access token, or one that is not JSON', () => {
    expect(judge(200, { token_type: 'Bearer' })?.message).toContain('without an access token')
    expect(judge(502, '<html>')?.message).toContain("Zoho's response is not JSON (HTTP 502)")
  })
})

describe('accessTokens', () => {
  it.each([
    [3600_000, 3_300_000],
    // expires_in: 0 says nothing: the token is taken to live Zoho's hour.
    [0, 3_300_000]
  ])(
    'mints anew once the clock reaches the renewal time, not a moment later (a token of %d ms)',
    async (lifetime, renewAt) => {
      const { emulator, url } = await startSampleEmulator()
      emulator.tokenLifetimeMs = lifetime
      try {
        let now = 0
        const context: CallContext = {
          policy: { retries: 0, baseDelayMs: 1, maxDelayMs: 1, timeScale: 1 },
          clock: { now: () => now, sleep: () => Promise.resolve(), random: () => 0 },
          log: () => {},
          timeoutMs: 5000,
          calls: { made: 0 },
          redact: text => text
        }
        const mints = { made: 0 }
        const tokens = accessTokens(
          {
            kind: 'refresh',
            credentials: {
              clientId: SAMPLE.clientId,
              clientSecret: SAMPLE.clientSecret,
              refreshToken: SAMPLE.refreshToken,
              accountsBaseUrl: url
            }
          },
          EU,
          new Secrets(),
          mints
        )
        const first = await tokens.current(context)
        // An hour's token is renewed five minutes before it ends.
        now = renewAt - 1
        expect(await tokens.current(context)).toBe(first)
        now = renewAt
        expect(await tokens.current(context)).not.toBe(first)
        expect(mints.made).toBe(2)
        expect(emulator.minted).toHaveLength(2)
      } finally {
        await emulator.stop()
      }
    }
  )
})
