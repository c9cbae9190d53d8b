import { describe, expect, it } from '@jest/globals'
import { tokenReplyError, tokenRequest } from '../src/zoho/auth.ts'
import { findDataCentre } from '../src/zoho/datacenters.ts'
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
    expect(request.headers['Content-Type']).toBe('application/x-www-form-urlencoded')
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
