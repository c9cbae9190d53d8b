import { describe, expect, it, jest } from '@jest/globals'
import { InputError } from '../src/errors.ts'
import { readFileSync } from 'node:fs'
import { parse as parseYaml } from 'yaml'
import {
  DEFAULTS,
  INPUT_NAMES,
  parseSettings,
  type RawInputs,
  readSettings,
  type Settings,
  waitOf
} from '../src/inputs.ts'
import { parseFile, parseJobId } from '../src/inputs/job.ts'
import { runnerFacts, TIME_SCALE_ENV } from '../src/inputs/runner.ts'
import { Secrets } from '../src/secrets.ts'

const VALID: RawInputs = {
  dc: 'eu',
  owner: 'jason18',
  app: 'zylker-store',
  form: 'Employee_Details',
  'job-id': '3888833000000114027',
  action: 'start',
  encoding: '',
  delimiter: '',
  token: '1000.abc.def',
  'client-id': '',
  'client-secret': '',
  'refresh-token': '',
  'accounts-url': '',
  environment: '',
  'api-url': '',
  retries: '',
  timeout: '',
  wait: '',
  'wait-timeout': '',
  'poll-interval': '',
  'download-results': '',
  'fail-on-failed-records': '',
  file: '',
  'abort-on-cancel': '',
  'mask-job-id': '',
  'check-header': '',
  'check-values': '',
  'bad-rows': '',
  'dry-run': '',
  'max-records-per-job': '',
  'skip-records': '',
  key: '',
  'key-report': '',
  'id-map': '',
  lookups: ''
}

const parse = (overrides: Partial<RawInputs>) => parseSettings({ ...VALID, ...overrides })

// What the settings of the action parsed hold, or undefined where that action has no such setting.
const jobIdOf = (settings: Settings) => ('jobId' in settings ? settings.jobId : undefined)
const fileOf = (settings: Settings) => ('file' in settings ? settings.file : undefined)
const checkHeaderOf = (settings: Settings) =>
  'checkHeader' in settings ? settings.checkHeader : undefined

function rejection(overrides: Partial<RawInputs>): string {
  try {
    parse(overrides)
  } catch (error) {
    expect(error).toBeInstanceOf(InputError)
    return (error as Error).message
  }
  throw new Error(`accepted ${JSON.stringify(overrides)}`)
}

describe('the defaults action.yml states', () => {
  const action = parseYaml(readFileSync(new URL('../action.yml', import.meta.url), 'utf8')) as {
    inputs: Record<string, { description: string; default?: string }>
  }

  it('are the ones the action holds, input by input', () => {
    const stated = Object.fromEntries(
      Object.entries(action.inputs).flatMap(([name, input]) =>
        input.default === undefined || input.default === '' ? [] : [[name, input.default]]
      )
    )
    expect(stated).toEqual(DEFAULTS)
    expect(Object.keys(action.inputs)).toEqual([...INPUT_NAMES])
    for (const input of Object.values(action.inputs))
      expect(input.description.length).toBeGreaterThan(10)
  })

  it.each(['start', 'status', 'create', 'load'])(
    'give a %s the settings that empty inputs give, with no warning',
    name => {
      const empty = {
        ...VALID,
        action: name,
        'job-id': name === 'create' || name === 'load' ? '' : VALID['job-id'],
        file: name === 'load' ? 'employees.csv' : ''
      }
      const runner = runnerFacts({ RUNNER_TEMP: '/tmp/runner', GITHUB_WORKSPACE: '/w' })
      const defaults = { ...empty, ...DEFAULTS, dc: empty.dc }
      expect(parseSettings(defaults, runner)).toEqual(parseSettings(empty, runner))
      expect(parseSettings(defaults, runner).warnings).toEqual([])
    }
  )
})

describe('parseSettings', () => {
  it('turns valid inputs into settings', () => {
    expect(parseSettings(VALID)).toEqual({
      dataCentre: {
        code: 'eu',
        suffix: 'eu',
        apiHost: 'www.zohoapis.eu',
        accountsHost: 'accounts.zoho.eu'
      },
      apiBaseUrl: 'https://www.zohoapis.eu',
      form: { owner: 'jason18', app: 'zylker-store', form: 'Employee_Details' },
      jobId: '3888833000000114027',
      action: 'start',
      auth: { kind: 'token', token: '1000.abc.def' },
      environment: 'production',
      retry: { retries: 3, baseDelayMs: 1000, maxDelayMs: 20_000, timeScale: 1 },
      timeoutMs: 30_000,
      wait: undefined,
      abortOnCancel: true,
      maskJobId: true,
      runAttempt: 1,
      warnings: []
    })
  })

  it('gives each action the settings it works with, and no other', () => {
    const runner = { timeScale: 1, resultRoot: '/runner/temp', workspace: '/w', runAttempt: 1 }
    const common = Object.keys(parseSettings({ ...VALID, action: 'create', 'job-id': '' }, runner))
    const added = (given: Partial<RawInputs>) =>
      Object.fromEntries(
        Object.entries(parseSettings({ ...VALID, ...given }, runner)).filter(
          ([key]) => !common.includes(key)
        )
      )
    expect(common).toEqual(expect.arrayContaining(['action', 'form', 'auth', 'retry', 'warnings']))
    expect(
      added({ action: 'upload', file: 'a.csv', 'check-header': 'true', delimiter: 'TAB' })
    ).toEqual({
      jobId: VALID['job-id'],
      file: '/w/a.csv',
      dialect: { encoding: 'auto', delimiter: '\t' },
      copyRoot: '/runner/temp',
      checkHeader: true,
      checkValues: false,
      badRows: 'fail',
      dryRun: false
    })
    expect(
      added({
        action: 'load',
        'job-id': '',
        file: 'a.csv',
        'skip-records': '7',
        'abort-on-cancel': 'false'
      })
    ).toEqual({
      file: '/w/a.csv',
      dialect: { encoding: 'auto', delimiter: 'auto' },
      copyRoot: '/runner/temp',
      checkHeader: false,
      checkValues: false,
      badRows: 'fail',
      dryRun: false,
      wait: expect.objectContaining({ resultRoot: '/runner/temp', timeoutMs: 3_600_000 }),
      abortOnCancel: false,
      parts: { maxRecords: undefined, skipRecords: 7 },
      lookups: []
    })
    expect(added({ action: 'status', wait: 'true', 'max-records-per-job': '5' })).toEqual({
      jobId: VALID['job-id'],
      wait: expect.objectContaining({ firstDelayMs: 5000 }),
      abortOnCancel: true
    })
  })

  it('names every bad input at once, one problem each', () => {
    let problems: readonly string[] = []
    try {
      parse({ dc: 'uk', owner: '', 'job-id': '12', action: 'go', retries: 'x', wait: 'yes' })
    } catch (error) {
      problems = (error as InputError).problems
    }
    // The action first, since it decides what the others must be; then in the order of action.yml.
    expect(problems).toEqual([
      expect.stringMatching(
        /^Input "action" must be "create", "upload", "start", "abort", "status" or "load" \(any case\); got "go"/
      ),
      expect.stringMatching(/^Input "dc" must be a Zoho data centre/),
      expect.stringMatching(/^Input "owner" is required/),
      expect.stringMatching(
        /^Input "job-id" must be the bulk job ID: 10 to 30 decimal digits.*; got "12"\.$/
      ),
      expect.stringMatching(/^Input "retries" must be a whole number/),
      expect.stringMatching(/^Input "wait" must be true or false; got "yes"/)
    ])
  })

  describe('inputs that have no effect', () => {
    it.each([
      [{ 'download-results': 'success' }, 'Input "download-results" takes'],
      [{ 'fail-on-failed-records': 'false' }, 'Input "fail-on-failed-records" takes'],
      [
        { 'wait-timeout': '60', 'poll-interval': '1' },
        'Inputs "wait-timeout", "poll-interval" take'
      ]
    ])('warns of %j given without wait', (given, start) => {
      const single = start.startsWith('Input ')
      expect(parse(given).warnings).toEqual([
        `${start} effect only with "wait: true"; without it ${single ? 'it has' : 'they have'} no effect.`
      ])
      expect(parse({ ...given, wait: 'true' }).warnings).toEqual([])
    })
  })

  describe('dc', () => {
    it.each([
      ['', 'us'],
      ['us', 'us'],
      ['com', 'us'],
      ['EU', 'eu'],
      ['in', 'in'],
      ['au', 'au'],
      ['com.au', 'au'],
      ['jp', 'jp'],
      ['ca', 'ca'],
      ['cn', 'cn'],
      ['Com.CN', 'cn'],
      ['sa', 'sa']
    ])('accepts %j as %s', (dc, code) => {
      expect(parse({ dc }).dataCentre.code).toBe(code)
    })

    it.each(['uk', 'zohoapis.com', 'com.', 'www.zohoapis.eu'])('rejects %j', dc => {
      expect(rejection({ dc })).toBe(
        'Input "dc" must be a Zoho data centre: one of us, eu, in, au, jp, ca, cn, sa, or its ' +
          `domain suffix (com, eu, in, com.au, jp, ca, com.cn, sa); got ${JSON.stringify(dc)}.`
      )
    })
  })

  describe('owner', () => {
    it.each(['jason18', 'j.son_18-x', 'A', '...'])('accepts %j', owner => {
      expect(parse({ owner }).form.owner).toBe(owner)
    })
    it.each(['.', '..', 'jason 18', 'jason/18', 'jäson', 'a%2F'])('rejects %j', owner => {
      expect(rejection({ owner })).toBe(
        `Input "owner" must be the Creator account owner's user name: letters, digits, ".", "_" ` +
          `and "-" (not "." or ".."); got ${JSON.stringify(owner)}.`
      )
    })
    it('is required', () => {
      expect(rejection({ owner: '' })).toMatch(/^Input "owner" is required: /)
    })
  })

  describe.each(['app', 'form'] as const)('%s', name => {
    it.each(['zylker-store', 'Employee_Details', 'x1'])('accepts %j', value => {
      expect(parse({ [name]: value }).form[name]).toBe(value)
    })
    it.each(['zylker.store', 'a b', 'a/b', '..'])('rejects %j', value => {
      expect(rejection({ [name]: value })).toBe(
        `Input "${name}" must be a link name: letters, digits, "_" and "-"; got ${JSON.stringify(value)}.`
      )
    })
    it('is required', () => {
      expect(rejection({ [name]: '' })).toBe(
        `Input "${name}" is required: a link name: letters, digits, "_" and "-".`
      )
    })
  })

  describe('job-id', () => {
    it('keeps a 19-digit ID exactly, as a string', () => {
      expect(jobIdOf(parse({ 'job-id': '3888833000000114027' }))).toBe('3888833000000114027')
    })
    it.each(['1234567890', '123456789012345678901234567890'])(
      'accepts %j (10 to 30 digits)',
      jobId => {
        expect(jobIdOf(parse({ 'job-id': jobId }))).toBe(jobId)
      }
    )
    it.each(['0', 'e', '-1', '1e5', '12 34', '0x1F', '１２', '123456789', '1'.repeat(31)])(
      'rejects %j, showing it (an invalid ID is not masked)',
      jobId => {
        expect(rejection({ 'job-id': jobId })).toBe(
          'Input "job-id" must be the bulk job ID: 10 to 30 decimal digits, such as ' +
            `3888833000000114027; got ${JSON.stringify(jobId.length > 60 ? jobId : jobId)}.`
        )
      }
    )
    it('is required', () => {
      expect(rejection({ 'job-id': '' })).toMatch(/^Input "job-id" is required: /)
    })
  })

  describe('action', () => {
    it.each([
      ['start', 'start'],
      ['Start', 'start'],
      ['ABORT', 'abort'],
      ['abort', 'abort']
    ])('accepts %j as %s', (action, expected) => {
      expect(parse({ action }).action).toBe(expected)
    })
    it.each(['stop', 'starts', 'cancel'])('rejects %j', action => {
      expect(rejection({ action })).toBe(
        'Input "action" must be "create", "upload", "start", "abort", "status" or "load" (any case); ' +
          `got ${JSON.stringify(action)}.`
      )
    })
    it('is required', () => {
      expect(rejection({ action: '' })).toBe(
        'Input "action" is required: "create", "upload", "start", "abort", "status" or "load".'
      )
    })
    it.each([
      ['create', { 'job-id': '' }],
      ['load', { 'job-id': '', file: 'data/a.csv' }],
      ['status', {}],
      ['upload', { file: '/abs/a.csv' }]
    ])('accepts %j with what it needs', (action, given) => {
      const settings = parse({ action, ...given })
      expect(settings.action).toBe(action)
      if ('file' in given) expect(fileOf(settings)).toMatch(/\/a\.csv$/)
    })
    it('takes a relative file from the workspace', () => {
      expect(
        fileOf(
          parseSettings(
            { ...VALID, action: 'load', 'job-id': '', file: 'data/a.csv' },
            { timeScale: 1, resultRoot: '/tmp', workspace: '/work/repo', runAttempt: 1 }
          )
        )
      ).toBe('/work/repo/data/a.csv')
    })
    it('makes a load wait, and warns of inputs an action does not use', () => {
      expect(waitOf(parse({ action: 'load', 'job-id': '', file: 'a.csv' }))).toBeDefined()
      expect(
        parse({ action: 'create', 'job-id': '', file: 'a.csv', wait: 'true' }).warnings
      ).toEqual([
        'Input "file" takes effect only with action "upload" or "load"; "create" does not send a file.',
        'Input "wait" takes effect only with action "start", "abort", "status" or "load"; "create" does not wait.'
      ])
    })
  })

  describe('inputs an action does not use', () => {
    it.each([
      ['start', {}, []],
      [
        'load',
        { 'job-id': '', file: 'a.csv', 'max-records-per-job': '5', 'skip-records': '2' },
        []
      ],
      [
        'upload',
        { file: 'a.csv', 'max-records-per-job': '5', 'skip-records': '2' },
        [
          'Input "max-records-per-job" takes effect only with action "load"; "upload" loads no file.',
          'Input "skip-records" takes effect only with action "load"; "upload" loads no file.'
        ]
      ],
      [
        'status',
        { 'check-header': 'True' },
        [
          'Input "check-header" takes effect only with action "upload" or "load"; "status" sends no file.'
        ]
      ],
      ['upload', { file: 'a.csv', 'check-header': 'true', 'dry-run': 'true' }, []],
      [
        'load',
        { 'job-id': '', file: 'a.csv', 'bad-rows': 'skip' },
        [
          'Input "bad-rows" takes effect only with "check-values: true" or "lookups"; without ' +
            'them no row is checked.'
        ]
      ],
      ['load', { 'job-id': '', file: 'a.csv', 'bad-rows': 'skip', 'check-values': 'true' }, []],
      ['load', { 'job-id': '', file: 'a.csv', 'bad-rows': 'skip', lookups: 'D = R.F' }, []],
      [
        'start',
        { 'dry-run': 'True', encoding: 'utf-16le', delimiter: 'tab' },
        [
          'Input "dry-run" takes effect only with action "upload" or "load"; "start" sends no file.',
          'Input "encoding" takes effect only with action "upload" or "load"; "start" does not send a file.',
          'Input "delimiter" takes effect only with action "upload" or "load"; "start" does not send a file.'
        ]
      ],
      ['create', { 'job-id': '', 'check-header': 'false', wait: 'false' }, []]
    ])('warn of what a %s ignores (%j)', (action, given, warnings) => {
      expect(parse({ action, ...given }).warnings).toEqual(warnings)
    })
  })

  describe('token', () => {
    it.each([
      ['1000.abc.def', '1000.abc.def'],
      ['Zoho-oauthtoken 1000.abc.def', '1000.abc.def'],
      ['zoho-oauthtoken   1000.abc.def', '1000.abc.def']
    ])('accepts %j as %s', (token, expected) => {
      expect(parse({ token }).auth).toEqual({ kind: 'token', token: expected })
    })
    it.each([
      'Zoho-oauthtoken Zoho-oauthtoken 1000.abc',
      'Bearer 1000.abc',
      '1000.abc\n1000.def',
      'Zoho-oauthtoken '
    ])('rejects %j without quoting it', token => {
      const message = rejection({ token })
      expect(message).toMatch(/^Input "token" (must be|is required)/)
      expect(message).not.toContain('1000')
    })
    it('is required when no refresh token is given', () => {
      expect(rejection({ token: '' })).toBe(
        'Input "token" is required, or else all three of "client-id", "client-secret" and ' +
          '"refresh-token" to mint one.'
      )
    })
  })

  describe('refresh-token authentication', () => {
    const REFRESH = {
      token: '',
      'client-id': '1000.CLIENTID',
      'client-secret': 'secret-value',
      'refresh-token': '1000.refresh.value'
    }

    it('takes all three refresh inputs instead of a token, with the DC’s accounts host', () => {
      expect(parse(REFRESH).auth).toEqual({
        kind: 'refresh',
        credentials: {
          clientId: '1000.CLIENTID',
          clientSecret: 'secret-value',
          refreshToken: '1000.refresh.value',
          accountsBaseUrl: 'https://accounts.zoho.eu'
        }
      })
    })

    it('uses accounts.zohocloud.ca for the CA data centre', () => {
      const { auth } = parse({ ...REFRESH, dc: 'ca' })
      expect(auth.kind === 'refresh' && auth.credentials.accountsBaseUrl).toBe(
        'https://accounts.zohocloud.ca'
      )
    })

    it('takes accounts-url as an override, by the same rules as api-url', () => {
      const { auth } = parse({ ...REFRESH, 'accounts-url': 'http://127.0.0.1:9000/' })
      expect(auth.kind === 'refresh' && auth.credentials.accountsBaseUrl).toBe(
        'http://127.0.0.1:9000'
      )
      expect(rejection({ ...REFRESH, 'accounts-url': 'http://accounts.example.com' })).toContain(
        'Input "accounts-url" must use https://'
      )
    })

    it('refuses a token and refresh inputs together', () => {
      expect(rejection({ ...REFRESH, token: '1000.abc' })).toBe(
        'Give either "token", or "client-id", "client-secret" and "refresh-token", not both.'
      )
    })

    it.each([
      [{ 'client-secret': '' }, 'missing: "client-secret".'],
      [{ 'client-id': '', 'refresh-token': '' }, 'missing: "client-id", "refresh-token".']
    ])('refuses a partial set %j', (missing, message) => {
      expect(rejection({ ...REFRESH, ...missing })).toBe(
        `Inputs "client-id", "client-secret" and "refresh-token" go together; ${message}`
      )
    })

    it('refuses accounts-url without refresh inputs', () => {
      expect(rejection({ 'accounts-url': 'https://accounts.example.com' })).toContain(
        'Input "accounts-url" applies only with'
      )
    })

    it('never quotes a rejected secret back', () => {
      const message = rejection({ ...REFRESH, 'client-secret': 'has space' })
      expect(message).toBe(
        'Input "client-secret" must be the client secret: one line of printable characters without spaces.'
      )
      expect(rejection({ ...REFRESH, 'refresh-token': 'a\nb' })).not.toContain('a\nb')
    })
  })

  describe('retries and timeout', () => {
    it.each([
      ['0', 0],
      ['3', 3],
      ['10', 10]
    ])('accepts retries %j', (retries, expected) => {
      expect(parse({ retries }).retry.retries).toBe(expected)
    })
    it.each(['-1', '11', '1.5', 'three', '1e1'])('rejects retries %j', retries => {
      expect(rejection({ retries })).toBe(
        `Input "retries" must be a whole number of extra attempts from 0 to 10; got ${JSON.stringify(retries)}.`
      )
    })
    it.each([
      ['30', 30_000],
      ['0.25', 250],
      ['600', 600_000]
    ])('accepts timeout %j as %d ms', (timeout, ms) => {
      expect(parse({ timeout }).timeoutMs).toBe(ms)
    })
    it.each(['0', '601', '-5', '30s', 'ten'])('rejects timeout %j', timeout => {
      expect(rejection({ timeout })).toBe(
        `Input "timeout" must be a number of seconds above 0 and at most 600; got ${JSON.stringify(timeout)}.`
      )
    })
  })

  describe('the parts of a load', () => {
    const load = { action: 'load', 'job-id': '', file: 'a.csv' }
    const partsOf = (given: Partial<RawInputs>) => {
      const settings = parse({ ...load, ...given })
      return 'parts' in settings ? settings.parts : undefined
    }
    it.each([
      [{}, { maxRecords: undefined, skipRecords: 0 }],
      [
        { 'max-records-per-job': '1', 'skip-records': '0' },
        { maxRecords: 1, skipRecords: 0 }
      ],
      [
        { 'max-records-per-job': '1000000000', 'skip-records': '1000000000' },
        { maxRecords: 1_000_000_000, skipRecords: 1_000_000_000 }
      ]
    ])('takes %j', (given, parts) => {
      expect(partsOf(given)).toEqual(parts)
    })
    it.each([
      ['max-records-per-job', '0', 'a whole number of records from 1 (or empty for no limit)'],
      [
        'max-records-per-job',
        '1000000001',
        'a whole number of records from 1 (or empty for no limit)'
      ],
      ['max-records-per-job', '2.5', 'a whole number of records from 1 (or empty for no limit)'],
      ['skip-records', '-1', 'a whole number of records from 0'],
      ['skip-records', '1000000001', 'a whole number of records from 0'],
      ['skip-records', 'ten', 'a whole number of records from 0']
    ])('refuses %s %j', (name, value, allowed) => {
      expect(rejection({ ...load, [name]: value })).toBe(
        `Input "${name}" must be ${allowed}; got ${JSON.stringify(value)}.`
      )
    })
    it('names both when both are bad', () => {
      expect(rejection({ ...load, 'max-records-per-job': 'x', 'skip-records': 'y' })).toMatch(
        /Input "max-records-per-job" must .* Input "skip-records" must /
      )
    })
  })

  describe('environment', () => {
    it.each([
      ['', 'production'],
      ['production', 'production'],
      ['Development', 'development'],
      ['stage', 'stage']
    ])('accepts %j as %s', (environment, expected) => {
      expect(parse({ environment }).environment).toBe(expected)
    })
    it.each(['prod', 'staging', 'dev'])('rejects %j', environment => {
      expect(rejection({ environment })).toBe(
        'Input "environment" must be "production", "development" or "stage" (or empty); ' +
          `got ${JSON.stringify(environment)}.`
      )
    })
  })

  describe('api-url', () => {
    it.each([
      ['https://gateway.example.com', 'https://gateway.example.com'],
      ['https://gateway.example.com/zoho/', 'https://gateway.example.com/zoho'],
      ['http://127.0.0.1:8080', 'http://127.0.0.1:8080'],
      ['http://127.1.2.3', 'http://127.1.2.3'],
      ['http://localhost:3000/', 'http://localhost:3000'],
      ['http://[::1]:3000', 'http://[::1]:3000']
    ])('accepts %j as base URL %s', (apiUrl, base) => {
      expect(parse({ 'api-url': apiUrl }).apiBaseUrl).toBe(base)
    })
    it('replaces the DC host but keeps the DC', () => {
      const settings = parse({ 'api-url': 'https://gw.example.com' })
      expect(settings.dataCentre.code).toBe('eu')
      expect(settings.apiBaseUrl).toBe('https://gw.example.com')
    })
    it.each([
      ['http://gateway.example.com', 'must use https://'],
      ['http://10.0.0.1', 'must use https://'],
      ['http://localhost.example.com', 'must use https://'],
      ['http://127.0.0.1.evil.example', 'must use https://'],
      ['http://evil.example.127.0.0.1.nip.io', 'must use https://'],
      ['http://[::1].evil.example', 'must be an absolute URL'],
      ['ftp://127.0.0.1', 'must use https://'],
      ['gateway.example.com', 'must be an absolute URL'],
      ['https://user:pass@gateway.example.com', 'without user name, password, query or fragment'],
      ['https://gateway.example.com/?x=1', 'without user name, password, query or fragment'],
      ['https://gateway.example.com/#x', 'without user name, password, query or fragment']
    ])('rejects %j', (apiUrl, message) => {
      expect(rejection({ 'api-url': apiUrl })).toContain(message)
    })
    it('does not quote a URL that carries credentials', () => {
      expect(rejection({ 'api-url': 'https://user:hunter2@gateway.example.com' })).not.toContain(
        'hunter2'
      )
    })
  })

  describe('wait', () => {
    it('is off by default', () => {
      expect(waitOf(parse({}))).toBeUndefined()
    })

    it('takes the defaults of action.yml when on', () => {
      expect(
        waitOf(
          parseSettings(
            { ...VALID, wait: 'true' },
            { timeScale: 1, resultRoot: '/runner/temp', workspace: '/work', runAttempt: 1 }
          )
        )
      ).toEqual({
        timeoutMs: 3_600_000,
        firstDelayMs: 5000,
        downloads: ['failure'],
        failOnFailedRecords: true,
        resultRoot: '/runner/temp'
      })
    })

    it.each([
      ['true', true],
      ['True', true],
      ['TRUE', true],
      ['false', false],
      ['False', false],
      ['FALSE', false]
    ])('reads %j as %s', (wait, on) => {
      expect(waitOf(parse({ wait })) !== undefined).toBe(on)
    })

    it.each(['yes', 'No', 'on', 'off'])(
      'rejects %j, saying YAML 1.1 words are not booleans',
      wait => {
        expect(rejection({ wait })).toBe(
          `Input "wait" must be true or false; got ${JSON.stringify(wait)} (YAML 1.1 words such as yes ` +
            'and no are not booleans in GitHub Actions).'
        )
      }
    )

    it.each(['1', 'enabled', 'truely', 'not true', 'falsey', 'yesterday'])('rejects %j', wait => {
      expect(rejection({ wait })).toBe(
        `Input "wait" must be true or false; got ${JSON.stringify(wait)}.`
      )
    })

    it('checks fail-on-failed-records the same way, even with wait off', () => {
      expect(
        waitOf(parse({ wait: 'true', 'fail-on-failed-records': 'False' }))?.failOnFailedRecords
      ).toBe(false)
      expect(rejection({ 'fail-on-failed-records': 'no' })).toMatch(
        /^Input "fail-on-failed-records" must be true or false/
      )
    })

    it.each([
      ['wait-timeout', '0.5', 'timeoutMs', 500],
      ['wait-timeout', '7200', 'timeoutMs', 7_200_000],
      ['poll-interval', '0.1', 'firstDelayMs', 100],
      ['poll-interval', '60', 'firstDelayMs', 60_000]
    ] as const)('accepts %s %j', (name, value, field, ms) => {
      expect(waitOf(parse({ wait: 'true', [name]: value }))?.[field]).toBe(ms)
    })

    it.each([
      ['wait-timeout', '0'],
      ['wait-timeout', '-1'],
      ['wait-timeout', '1h'],
      ['wait-timeout', '432001'],
      ['poll-interval', '0'],
      ['poll-interval', '61'],
      ['poll-interval', 'fast']
    ])('rejects %s %j', (name, value) => {
      expect(rejection({ [name]: value })).toMatch(
        new RegExp(`^Input "${name}" must be a number of seconds above 0`)
      )
    })

    it.each([
      ['failure', ['failure']],
      ['success, failure', ['success', 'failure']],
      ['unprocessed failure success', ['success', 'failure', 'unprocessed']],
      ['Failure,failure', ['failure']],
      ['none', []],
      ['NONE', []]
    ])('reads download-results %j as %j', (value, filters) => {
      expect(waitOf(parse({ wait: 'true', 'download-results': value }))?.downloads).toEqual(filters)
    })

    it.each(['errors', 'none, failure', 'failure;success', ','])(
      'rejects download-results %j',
      value => {
        expect(rejection({ 'download-results': value })).toBe(
          'Input "download-results" must be any of "success", "failure" and "unprocessed" (comma or space ' +
            `separated), or "none"; got ${JSON.stringify(value)}.`
        )
      }
    )
  })

  it.each(['x10', '10s'])('rejects a timeout of %j', timeout => {
    expect(rejection({ timeout })).toMatch(/^Input "timeout" must be a number of seconds/)
  })

  it('names bad-rows when it is neither fail nor skip', () => {
    expect(rejection({ 'bad-rows': 'drop' })).toMatch(/^Input "bad-rows" must be /)
  })

  it('quotes a long rejected value shortened, on one line', () => {
    const message = rejection({ app: `${'a'.repeat(100)}\nb` })
    expect(message).not.toContain('\n')
    expect(message).toContain(`"${'a'.repeat(60)}…"`)
  })

  it.each(['abort-on-cancel', 'mask-job-id', 'check-header', 'check-values', 'dry-run'] as const)(
    'names %s when it is not a boolean',
    name => {
      expect(rejection({ [name]: 'maybe' })).toBe(
        `Input "${name}" must be true or false; got "maybe".`
      )
    }
  )

  it('names a file path that cannot be one, quoted back', () => {
    expect(rejection({ action: 'upload', file: 'a\0b.csv' })).toBe(
      'Input "file" must be the path of a CSV file, or of a ZIP holding one CSV, relative to the ' +
        'workspace; got "a\\u0000b.csv".'
    )
  })

  it('does not warn of the wait inputs a load uses, as a load always waits', () => {
    const given = { action: 'load', 'job-id': '', file: 'a.csv' }
    expect(parse({ ...given, 'wait-timeout': '60', 'poll-interval': '1' }).warnings).toEqual([])
  })

  it('keeps check-header only for the actions that send a file', () => {
    // A start has no such setting at all: its settings are a start's.
    expect(checkHeaderOf(parse({ 'check-header': 'TRUE', action: 'upload', file: 'a.csv' }))).toBe(
      true
    )
    expect(checkHeaderOf(parse({ 'check-header': 'true', action: 'start' }))).toBeUndefined()
    expect(rejection({ 'check-header': 'yes' })).toContain('Input "check-header"')
  })
})

describe('parseJobId and parseFile', () => {
  it('give an empty value where the action takes none, or is not known', () => {
    expect(parseJobId('create', '')).toBe('')
    expect(parseJobId(undefined, '')).toBe('')
    expect(parseFile('status', 'a.csv', '/work')).toBe('')
    expect(parseFile(undefined, 'a.csv', '/work')).toBe('')
    expect(parseFile('load', 'a.csv', '/work')).toBe('/work/a.csv')
  })
})

describe('readSettings', () => {
  const names = Object.keys(VALID) as (keyof RawInputs)[]
  const inputEnv = (name: string) => `INPUT_${name.toUpperCase()}`

  function read(env: Record<string, string>): string {
    const written: string[] = []
    const write = jest.spyOn(process.stdout, 'write').mockImplementation(chunk => {
      written.push(String(chunk))
      return true
    })
    const saved = { ...process.env }
    try {
      for (const name of names) process.env[inputEnv(name)] = VALID[name]
      Object.assign(process.env, env)
      readSettings(new Secrets())
    } finally {
      process.env = saved
      write.mockRestore()
    }
    return written.join('')
  }

  it('says when retries wait a scaled time, as the tests ask', () => {
    expect(read({ [TIME_SCALE_ENV]: '0.01' })).toContain(
      `Retries wait 0.01 times as long, as ${TIME_SCALE_ENV} says (a setting for tests).`
    )
    expect(read({})).not.toContain('Retries wait')
  })

  it('masks the token and the job ID before anything else is written', () => {
    const log = read({ [TIME_SCALE_ENV]: '0.5' })
    expect(log).toContain(`::add-mask::${VALID.token}`)
    expect(log).toContain(`::add-mask::${VALID['job-id']}`)
  })
})

describe('runnerFacts', () => {
  it.each([
    ['0.001', 0.001],
    ['1', 1],
    ['0.5', 0.5],
    ['0', 1],
    ['-0.5', 1],
    ['1.5', 1],
    ['fast', 1],
    [undefined, 1]
  ])('takes %j as a time scale of %d (only above 0 and at most 1)', (value, scale) => {
    const env = value === undefined ? {} : { [TIME_SCALE_ENV]: value }
    expect(runnerFacts(env).timeScale).toBe(scale)
  })

  it('puts result folders in RUNNER_TEMP', () => {
    expect(runnerFacts({ RUNNER_TEMP: '/runner/temp' }).resultRoot).toBe('/runner/temp')
  })
})

describe('key, key-report and id-map', () => {
  const load = { action: 'load', 'job-id': '', file: 'staff.csv' }
  const keyOf = (overrides: Partial<RawInputs>) => {
    const settings = parse({ ...load, ...overrides })
    return settings.action === 'load' ? settings.key : 'not a load'
  }

  it('reads the key fields, the report and id-map of a load', () => {
    expect(keyOf({ key: ' Employee_ID , Email', 'key-report': 'All_Employees' })).toEqual({
      fields: ['Employee_ID', 'Email'],
      report: 'All_Employees',
      idMap: false
    })
    expect(keyOf({ key: 'Employee_ID', 'key-report': 'All', 'id-map': 'true' })).toMatchObject({
      idMap: true
    })
    expect(keyOf({})).toBeUndefined()
  })

  it.each([
    [
      { key: 'Employee ID', 'key-report': 'All' },
      'Input "key" must be the link names of the fields'
    ],
    [{ key: 'A,,B', 'key-report': 'All' }, 'got "" in "A,,B"'],
    [{ key: 'A,B,A', 'key-report': 'All' }, 'Input "key" names "A" twice.'],
    [
      { key: 'A,B,C,D,E,F', 'key-report': 'All' },
      'Input "key" names 6 fields; a key takes 5 at most.'
    ],
    [{ key: 'A' }, 'Input "key-report" is required: a link name'],
    [{ key: 'A', 'key-report': 'All Employees' }, 'Input "key-report" must be a link name'],
    [{ 'id-map': 'true' }, 'Input "id-map" needs "key": the map is from each key to its record.'],
    [
      { key: 'A', 'key-report': 'All', 'skip-records': '4' },
      'Input "skip-records" is not for a load with a key: run the same step again'
    ]
  ])('refuses %j', (overrides, message) => {
    expect(() => parse({ ...load, ...overrides })).toThrow(message)
  })

  it('warns of a key or a key-report that takes no effect', () => {
    expect(parse({ key: 'A', 'key-report': 'All' }).warnings).toEqual([
      'Input "key" takes effect only with action "load"; "start" loads no file.',
      'Input "key-report" takes effect only with "key", on a load.'
    ])
    expect(parse({ ...load, 'key-report': 'All' }).warnings).toEqual([
      'Input "key-report" takes effect only with "key", on a load.'
    ])
  })
})

describe('lookups', () => {
  const load = { action: 'load', 'job-id': '', file: 'staff.csv' }
  const lookupsOf = (lookups: string, overrides: Partial<RawInputs> = {}) => {
    const settings = parseSettings(
      { ...VALID, ...load, lookups, ...overrides },
      runnerFacts({ GITHUB_WORKSPACE: '/work/space' })
    )
    return settings.action === 'load' ? settings.lookups : 'not a load'
  }

  it('reads a report and its field, or the path of an id-map, for each column', () => {
    expect(
      lookupsOf(
        ' Department = Departments_Report.Dept_Code \n\n  Lead=parents/id-map.csv\r\nBoss = /maps/Boss.CSV'
      )
    ).toEqual([
      { column: 'Department', source: { report: 'Departments_Report', field: 'Dept_Code' } },
      { column: 'Lead', source: { idMap: '/work/space/parents/id-map.csv' } },
      { column: 'Boss', source: { idMap: '/maps/Boss.CSV' } }
    ])
    expect(lookupsOf('')).toEqual([])
  })

  it('says what a line must be, in full', () => {
    expect(() => lookupsOf('Department')).toThrow(
      'Input "lookups": each line is <column> = <report>.<field> or <column> = <path of an ' +
        'id-map.csv> (such as Department = Departments_Report.Dept_Code, or Department = ' +
        'parents/id-map.csv); got "Department".'
    )
    expect(() => lookupsOf('D = Departments')).toThrow(
      'Input "lookups": "Departments" (for column D) is neither <report>.<field>, the link names ' +
        'of a report of the related form and of its key field, nor the path of an id-map.csv ' +
        '(such as Department = Departments_Report.Dept_Code, or Department = parents/id-map.csv).'
    )
    expect(() => lookupsOf('Employee = R.F', { key: 'Employee', 'key-report': 'All' })).toThrow(
      'Input "lookups" names column "Employee", which is in "key": a key is compared with what ' +
        "Zoho's report shows, and how a report shows a lookup is not known. Key the records by " +
        'other columns.'
    )
  })

  it('takes twenty lines, blank ones aside, and a report whose field starts with csv', () => {
    const twenty = Array.from({ length: 20 }, (_, n) => `C${n} = R.F`).join('\n   \n')
    expect(lookupsOf(twenty)).toHaveLength(20)
    expect(lookupsOf('D = Reports.csvCode')).toEqual([
      { column: 'D', source: { report: 'Reports', field: 'csvCode' } }
    ])
  })

  it('reads no lookups for another action, however they are written', () => {
    expect(parse({ lookups: 'not a lookup' }).warnings).toEqual([
      'Input "lookups" takes effect only with action "load"; "start" loads no file.'
    ])
  })

  it.each([
    [
      'Department',
      'each line is <column> = <report>.<field> or <column> = <path of an id-map.csv>'
    ],
    ['Dept Code = R.F', 'got "Dept Code = R.F"'],
    ['Department =', 'got "Department ="'],
    ['= R.F', 'got "= R.F"'],
    ['D = Departments', '"Departments" (for column D) is neither <report>.<field>'],
    ['D = R.F.G', '"R.F.G" (for column D) is neither'],
    ['D = R .F', '"R .F" (for column D) is neither'],
    ['D = R.F\nD = S.G', 'Input "lookups" names column "D" twice.'],
    [Array.from({ length: 21 }, (_, n) => `C${n} = R.F`).join('\n'), 'has 21 lines; it takes 20']
  ])('refuses %j', (lookups, message) => {
    expect(() => lookupsOf(lookups)).toThrow(message)
  })

  it('refuses a lookup column that is in the key, and names both inputs', () => {
    expect(() =>
      lookupsOf('Employee = R.F', { key: 'Employee, Line', 'key-report': 'All' })
    ).toThrow('Input "lookups" names column "Employee", which is in "key"')
    expect(lookupsOf('Boss = R.F', { key: 'Employee', 'key-report': 'All' })).toHaveLength(1)
  })

  it('warns of lookups that take no effect, and reads none then', () => {
    const settings = parse({ lookups: 'D = R.F' })
    expect(settings.warnings).toEqual([
      'Input "lookups" takes effect only with action "load"; "start" loads no file.'
    ])
    expect('lookups' in settings).toBe(false)
  })
})
