import { describe, expect, it, jest } from '@jest/globals'
import { Secrets } from '../src/secrets.ts'

function secretsOf(...values: string[]): Secrets {
  const secrets = new Secrets()
  // core.setSecret prints ::add-mask:: to stdout; keep the test output clean.
  const write = jest.spyOn(process.stdout, 'write').mockImplementation(() => true)
  try {
    for (const value of values) secrets.add(value)
    expect(write.mock.calls.map(([text]) => String(text))).toEqual(
      values.filter(value => value !== '').map(value => `::add-mask::${value}\n`)
    )
  } finally {
    write.mockRestore()
  }
  return secrets
}

describe('Secrets', () => {
  it('registers each value with the runner and redacts it from text', () => {
    const secrets = secretsOf('1000.token', '3888833000000114027')
    expect(secrets.redact('job 3888833000000114027 with 1000.token, again 1000.token')).toBe(
      'job *** with ***, again ***'
    )
  })

  it('redacts nothing before a secret is added', () => {
    const text = 'Stryker was here: {"job_id":3888833000000114027}'
    expect(new Secrets().redact(text)).toBe(text)
    expect(new Secrets().redactJson(text)).toBe(text)
  })

  it('ignores an empty value, which would mask everything', () => {
    expect(secretsOf('').redact('abc')).toBe('abc')
  })

  it('redacts a longer secret whole when it contains a shorter one', () => {
    const secrets = secretsOf('1000.abc', 'Zoho-oauthtoken 1000.abc')
    expect(secrets.redact('Authorization: Zoho-oauthtoken 1000.abc')).toBe('Authorization: ***')
  })

  describe('redactJson', () => {
    const secrets = secretsOf('3888833000000114027')

    it('redacts inside strings and keeps the JSON valid', () => {
      const json = secrets.redactJson('{"message":"No job 3888833000000114027 here","code":11330}')
      expect(JSON.parse(json)).toEqual({ message: 'No job *** here', code: 11330 })
    })

    it('turns a bare number holding the secret into the string "***"', () => {
      const json = secrets.redactJson(
        '{"job_id": 3888833000000114027, "ids":[3888833000000114027,5]}'
      )
      expect(JSON.parse(json)).toEqual({ job_id: '***', ids: ['***', 5] })
    })

    it('takes a number whole, with its fraction and exponent, to find a secret in it', () => {
      const json = secrets.redactJson('{"a":3888833000000114027.25,"b":-1.25e+10,"c":12e34}')
      expect(json).toBe('{"a":"***","b":-1.25e+10,"c":12e34}')
      const exponent = secretsOf('123456')
      expect(exponent.redactJson('{"x":1e+123456,"y":7E123456}')).toBe('{"x":"***","y":"***"}')
    })

    it('leaves other numbers and escaped quotes alone', () => {
      const text = '{"code":3000,"status":"say \\"3888833000000114027\\"","n":-1.5e3}'
      expect(JSON.parse(secrets.redactJson(text))).toEqual({
        code: 3000,
        status: 'say "***"',
        n: -1500
      })
    })

    it('handles a 10 MB string literal, and 2 MB between literals, without a backtracking regex', () => {
      // A regular expression that backtracks per character overflows the stack on such text.
      const inString = secrets.redactJson(
        `{"status":"${'a'.repeat(10_000_000)} 3888833000000114027"}`
      )
      expect(inString.endsWith(' ***"}')).toBe(true)
      const bare = secrets.redactJson(`[${'1,'.repeat(1_000_000)}3888833000000114027]`)
      expect(bare.endsWith(',"***"]')).toBe(true)
    })

    it('keeps an unterminated string as it is, redacted', () => {
      expect(secrets.redactJson('{"a":"3888833000000114027')).toBe('{"a":"***')
    })
  })
})
