// The pieces that speak Zoho: data centres, URLs, requests, codes and reply parsing.
import { describe, expect, it } from '@jest/globals'
import { DATA_CENTRES, findDataCentre } from '../src/zoho/datacenters.ts'
import { jobUrl } from '../src/zoho/endpoints.ts'
import { jobActionRequest } from '../src/zoho/requests.ts'
import { replyError, wholeNumber } from '../src/zoho/reply.ts'
import { reply as parsed } from './support/replies.ts'

const JOB = {
  owner: 'jason18',
  app: 'zylker-store',
  form: 'Employee_Details',
  jobId: '3888833000000114027'
}

describe('data centres', () => {
  it('has the hosts of zoho-bulk-api.md, CA’s accounts host included', () => {
    expect(DATA_CENTRES.map(dc => [dc.code, dc.suffix, dc.apiHost, dc.accountsHost])).toEqual([
      ['us', 'com', 'www.zohoapis.com', 'accounts.zoho.com'],
      ['eu', 'eu', 'www.zohoapis.eu', 'accounts.zoho.eu'],
      ['in', 'in', 'www.zohoapis.in', 'accounts.zoho.in'],
      ['au', 'com.au', 'www.zohoapis.com.au', 'accounts.zoho.com.au'],
      ['jp', 'jp', 'www.zohoapis.jp', 'accounts.zoho.jp'],
      ['ca', 'ca', 'www.zohoapis.ca', 'accounts.zohocloud.ca'],
      ['cn', 'com.cn', 'www.zohoapis.com.cn', 'accounts.zoho.com.cn'],
      ['sa', 'sa', 'www.zohoapis.sa', 'accounts.zoho.sa']
    ])
  })

  it('finds a DC by code or suffix, trimmed and without case', () => {
    expect(findDataCentre(' Com.Au ')?.code).toBe('au')
    expect(findDataCentre('COM')?.code).toBe('us')
    expect(findDataCentre('uk')).toBeUndefined()
  })
})

describe('jobUrl', () => {
  it('builds the v2.1 bulk insert job path', () => {
    expect(jobUrl('https://www.zohoapis.eu', JOB)).toBe(
      'https://www.zohoapis.eu/creator/v2.1/bulk/jason18/zylker-store/form/Employee_Details/insert/3888833000000114027'
    )
  })

  it('percent-encodes each segment, so none can add a path of its own', () => {
    const url = jobUrl('https://gw.example.com/zoho', {
      owner: 'a/b',
      app: 'c?d',
      form: 'e#f',
      jobId: '1 2'
    })
    expect(url).toBe(
      'https://gw.example.com/zoho/creator/v2.1/bulk/a%2Fb/c%3Fd/form/e%23f/insert/1%202'
    )
  })
})

describe('jobActionRequest', () => {
  const connection = { apiBaseUrl: 'https://www.zohoapis.com', environment: 'production' } as const

  it('is a PATCH with JSON content type and the action in lower case (the token goes on as it is sent)', () => {
    expect(jobActionRequest(connection, JOB, 'abort')).toEqual({
      method: 'PATCH',
      url: jobUrl('https://www.zohoapis.com', JOB),
      headers: {
        Accept: 'application/json',
        'Content-Type': 'application/json'
      },
      body: '{"data":{"action":"abort"}}'
    })
  })

  it('names the environment in a header unless it is production', () => {
    const request = jobActionRequest({ ...connection, environment: 'stage' }, JOB, 'start')
    expect(request.headers['environment']).toBe('stage')
  })
})

describe('parseReply and replyError', () => {
  const judge = (status: number, body: string, location?: string) => {
    const reply = parsed(status, body, location === undefined ? {} : { location })
    return { reply, error: replyError(reply, 'start the job', 'start')?.message }
  }

  it('takes code 3000 with HTTP 200 as success', () => {
    const { reply, error } = judge(200, '{"code":3000,"status":"Job created successfully"}')
    expect(reply).toMatchObject({
      httpStatus: 200,
      code: 3000,
      message: 'Job created successfully'
    })
    expect(reply.data).toEqual({ code: 3000, status: 'Job created successfully' })
    expect(error).toBeUndefined()
  })

  it('reads the text from status, message or description, and a code given as a string', () => {
    expect(parsed(404, '{"code":"2893","description":"No form"}')).toMatchObject({
      code: 2893,
      message: 'No form'
    })
    expect(parsed(401, '{"code":1030,"message":"Invalid"}').message).toBe('Invalid')
  })

  it('fails code 4000 even though it comes with HTTP 200', () => {
    expect(judge(200, '{"code":4000,"message":"limit"}').error).toBe(
      "Zoho did not start the job (HTTP 200, code 4000): limit. The account's daily API limit is " +
        'reached: running again today will not help.'
    )
  })

  it('fails code 3000 on a non-2xx status rather than guess', () => {
    expect(judge(500, '{"code":3000}').error).toContain('(HTTP 500, code 3000): no message.')
  })

  it('fails a redirect without a Location, and a JSON answer with no code', () => {
    expect(judge(301, '').error).toContain(
      'a redirect to (no Location header); it was not followed'
    )
    expect(judge(200, '{"status":"ok"}').error).toBe(
      'Zoho\'s response has no "code" (HTTP 200): "{\\"status\\":\\"ok\\"}". Check dc and api-url: this does ' +
        'not look like the Creator API.'
    )
  })

  it('reads a whole number from digits alone', () => {
    expect(wholeNumber('12')).toBe(12)
    expect(wholeNumber('12a')).toBeUndefined()
    expect(wholeNumber('a12')).toBeUndefined()
    expect(wholeNumber(-1)).toBeUndefined()
  })

  it('fails a redirect, saying where it pointed', () => {
    expect(judge(302, '', 'https://elsewhere.example.com/x').error).toBe(
      'Zoho answered HTTP 302, a redirect to https://elsewhere.example.com/x; it was not followed, ' +
        'so the credentials are not sent to another host. Check dc, api-url and accounts-url.'
    )
  })

  it.each([
    ['', 'an empty body'],
    ['[1,2]', '"[1,2]"'],
    ['null', '"null"'],
    ['<h1>Bad\n gateway</h1>', '"<h1>Bad gateway</h1>"']
  ])('calls %j not JSON, quoting its start on one line', (body, shown) => {
    const { reply, error } = judge(502, body)
    expect(reply.data).toBeUndefined()
    expect(error).toBe(
      `Zoho's response is not JSON (HTTP 502): ${shown}. Zoho, or a gateway in front of it, failed: run again later.`
    )
  })

  it('shortens a long body in the message', () => {
    const error = judge(503, 'x'.repeat(1000)).error ?? ''
    expect(error).toContain(`"${'x'.repeat(160)}…"`)
    expect(error.length).toBeLessThan(300)
  })

  it('keeps Zoho’s message on one line', () => {
    expect(judge(400, '{"code":1000,"message":"bad\\nthing"}').error).toContain(
      'code 1000): bad thing.'
    )
  })
})
