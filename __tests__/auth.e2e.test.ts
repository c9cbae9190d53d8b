// Refresh-token authentication, end to end: the bundle mints its own access token at the
// emulator's accounts endpoint, then starts the job with it.
import { describe, expect, it } from '@jest/globals'
import { SAMPLE, sampleInputs } from '../emulator/sample.ts'
import { useSampleZoho } from './support/sample-zoho.ts'
import { expectMasked } from './support/assertions.ts'
import { runAction } from '../emulator/run-action.ts'

const zoho = useSampleZoho()

function inputs(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    ...sampleInputs(zoho.url),
    token: '',
    'client-id': SAMPLE.clientId,
    'client-secret': SAMPLE.clientSecret,
    'refresh-token': SAMPLE.refreshToken,
    'accounts-url': zoho.url,
    ...overrides
  }
}

const THROTTLED = JSON.stringify({
  error: 'Access Denied',
  error_description:
    'You have made too many requests continuously. Please try again after some time.'
})

describe('refresh-token authentication', () => {
  it('mints an access token with the refresh token and starts the job with it', async () => {
    const run = await runAction(inputs())

    expect(run.errors).toEqual([])
    expect(run.exitCode).toBe(0)
    expect(zoho.emulator.minted).toHaveLength(1)
    const [mint, patch] = zoho.emulator.requests
    expect(mint?.method).toBe('POST')
    expect(mint?.url).toBe('/oauth/v2/token') // no secret in the URL
    expect(mint?.headers['content-type']).toBe('application/x-www-form-urlencoded')
    expect(mint?.headers.authorization).toBeUndefined()
    expect(Object.fromEntries(new URLSearchParams(mint?.body))).toEqual({
      grant_type: 'refresh_token',
      client_id: SAMPLE.clientId,
      client_secret: SAMPLE.clientSecret,
      refresh_token: SAMPLE.refreshToken
    })
    expect(patch?.method).toBe('PATCH')
    expect(patch?.headers.authorization).toBe(`Zoho-oauthtoken ${zoho.emulator.minted[0]}`)
    expect(zoho.job.state).toBe('In-progress')

    expect(Object.keys(run.outputs).sort()).toEqual([
      'code',
      'http-status',
      'job-id',
      'response',
      'status'
    ])
    expect(run.summary).toContain(`refresh token of client ${SAMPLE.clientId}`)
    // The token request is not an API call: the summary counts them apart.
    expect(run.summary).toMatch(/<td>API calls<\/td><td>1 \(/)
    expect(run.summary).toContain('<td>Access tokens minted</td><td>1</td>')
    expectMasked(run, [
      SAMPLE.clientSecret,
      SAMPLE.refreshToken,
      zoho.emulator.minted[0] ?? '',
      SAMPLE.jobId
    ])
  })

  it.each([
    [
      'a revoked refresh token',
      { 'refresh-token': '1000.revoked' },
      'Zoho refused the refresh token (HTTP 200, error "invalid_code")'
    ],
    [
      'a wrong client secret',
      { 'client-secret': 'wrong-secret' },
      'Zoho refused the client (HTTP 200, error "invalid_client"): check client-id and client-secret'
    ]
  ])('fails fast on %s, without retrying or calling the API', async (_case, overrides, message) => {
    const run = await runAction(inputs(overrides))

    expect(run.exitCode).toBe(1)
    expect(run.errors).toHaveLength(1)
    expect(run.errors[0]).toContain(message)
    expect(zoho.emulator.requests.map(request => request.method)).toEqual(['POST'])
    expect(run.outputs).toEqual({ 'job-id': SAMPLE.jobId })
    expect(zoho.job.state).toBe('Ready-to-upload')
  })

  it.each([200, 400])(
    'retries a throttled token request (HTTP %d) at the end of its window',
    async status => {
      zoho.emulator.replyNext({ method: 'POST', status, body: THROTTLED })
      const run = await runAction(inputs())

      expect(run.exitCode).toBe(0)
      expect(zoho.emulator.requests.map(request => request.method)).toEqual([
        'POST',
        'POST',
        'PATCH'
      ])
      expect(run.stdout).toMatch(
        /Attempt 1 of 4 failed: Zoho's accounts server is throttling token requests .* Waiting 0\.6 s for the end of the accounts server's 10-minute window for token requests\./
      )
    }
  )

  it('says which dc to set when the token belongs to another data centre', async () => {
    zoho.emulator.addClient('1000.USCLIENT', 'us-secret', '1000.us.refresh', {
      apiDomain: 'https://www.zohoapis.com'
    })
    const run = await runAction(
      inputs({
        'client-id': '1000.USCLIENT',
        'client-secret': 'us-secret',
        'refresh-token': '1000.us.refresh'
      })
    )

    expect(run.exitCode).toBe(1)
    expect(run.errors).toEqual([
      'The access token is for Zoho\'s "us" data centre (api_domain https://www.zohoapis.com), ' +
        'but dc is "eu": set dc: us.'
    ])
    expect(zoho.emulator.requests.map(request => request.method)).toEqual(['POST'])
    expectMasked(run, [zoho.emulator.minted[0] ?? ''])
  })

  it.each([
    [
      'neither a token nor refresh inputs',
      { 'client-id': '', 'client-secret': '', 'refresh-token': '', 'accounts-url': '' },
      'Input "token" is required, or else all three'
    ],
    [
      'both',
      { token: SAMPLE.token },
      'Give either "token", or "client-id", "client-secret" and "refresh-token", not both.'
    ],
    ['a partial set', { 'client-secret': '' }, 'go together; missing: "client-secret".']
  ])('refuses %s before any request', async (_case, overrides, message) => {
    const run = await runAction(inputs(overrides))
    expect(run.exitCode).toBe(1)
    expect(run.errors).toHaveLength(1)
    expect(run.errors[0]).toContain(message)
    expect(zoho.emulator.requests).toHaveLength(0)
  })

  it.each([
    ['a line break', '1000.minted\r\nX-Injected: yes'],
    ['a space', '1000.minted token'],
    ['a control character', '1000.minted\u0007']
  ])('rejects a minted token that holds %s, with no API call', async (_case, token) => {
    zoho.emulator.replyNext({
      method: 'POST',
      urlIncludes: '/oauth/v2/token',
      status: 200,
      body: JSON.stringify({
        access_token: token,
        api_domain: 'https://www.zohoapis.eu',
        expires_in: 3600
      })
    })
    const run = await runAction(inputs())
    expect(run.exitCode).toBe(1)
    expect(zoho.emulator.requests.map(request => request.method)).toEqual(['POST'])
    expect(run.errors).toEqual([
      "Zoho's accounts server answered with an access token that cannot be sent in a header (it holds spaces, line breaks or other control characters); no API call was made with it."
    ])
    for (const part of token.split(/[\r\n]+/)) expect(run.stdout).toContain(`::add-mask::${part}`)
  })

  it.each([400, 500])('takes no access token from a token reply with HTTP %d', async status => {
    zoho.emulator.replyNext({
      method: 'POST',
      urlIncludes: '/oauth/v2/token',
      status,
      body: JSON.stringify({
        access_token: '1000.looks.valid',
        api_domain: 'https://www.zohoapis.eu'
      })
    })
    const run = await runAction(inputs({ retries: '0' }))
    expect(run.exitCode).toBe(1)
    expect(zoho.emulator.requests.map(request => request.method)).toEqual(['POST'])
    expect(run.errors[0]).toContain(
      `Zoho's accounts server answered HTTP ${status} without an access token`
    )
  })
})
