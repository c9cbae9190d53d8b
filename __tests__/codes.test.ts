// src/zoho/codes.ts: every code the action names, there and in the README, is in the contract's
// table (docs/zoho-bulk-api.md, "Response codes") with the same meaning; and the hint for each
// code, operation and HTTP status.
import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import {
  DAILY_LIMIT_CODE,
  FILE_EXISTS_CODE,
  hintFor,
  PER_MINUTE_LIMIT_CODE,
  REQUEST_FAULT_CODES,
  RESULT_NOT_READY_CODE,
  SUCCESS_CODE,
  TOKEN_REFUSED_CODE,
  UNKNOWN_URL_CODE
} from '../src/zoho/codes.ts'
import { ROOT } from '../emulator/run-action.ts'

const contract = readFileSync(join(ROOT, 'docs/zoho-bulk-api.md'), 'utf8')
const readme = readFileSync(join(ROOT, 'README.md'), 'utf8')

/** The contract's response codes table: code → its meaning and what to do, lower case. */
function contractCodes(): Map<number, string> {
  const section = contract.slice(contract.indexOf('## Response codes'))
  const table = section.slice(0, section.indexOf('\n\n', section.indexOf('| code |')))
  const codes = new Map<number, string>()
  for (const row of table.split('\n').filter(line => /^\| \d/.test(line))) {
    const [first = '', , meaning = '', todo = ''] = row
      .split('|')
      .slice(1)
      .map(cell => cell.trim())
    for (const code of first.match(/\d+/g) ?? [])
      codes.set(Number(code), `${meaning} ${todo}`.toLowerCase())
  }
  return codes
}

const CODES = contractCodes()

// For each code the action gives a hint for: a word that the contract's meaning and the hint share.
const SAME_MEANING: readonly [code: number, word: string][] = [
  [1000, 'url'],
  [1030, 'expired'],
  [2945, 'scope'],
  [1040, 'owner'],
  [1060, 'admin'],
  [2933, 'admin'],
  [2892, 'app'],
  [2893, 'form'],
  [2894, 'report'],
  [3020, 'report'],
  [2955, 'per-minute'],
  [4000, 'daily'],
  [11080, 'already'],
  [11090, 'already'],
  [11100, 'already'],
  [11110, 'being generated'],
  [11130, 'result file'],
  [11330, 'job'],
  [11070, 'already exists'],
  [11340, 'state'],
  [11350, 'upload'],
  [7120, 'job id'],
  [7130, 'not permitted']
]

describe('the codes the action names', () => {
  it('reads a table of about twenty codes from the contract', () => {
    expect(CODES.size).toBeGreaterThan(20)
    expect(CODES.get(4000)).toContain('daily api limit')
  })

  it.each(SAME_MEANING)('code %d means what the contract says (%j)', (code, word) => {
    expect(CODES.get(code)).toContain(word)
    expect(hintFor(code, 400, 'start').toLowerCase()).toContain(word)
  })

  it.each([
    ['create', 'ZohoCreator.bulk.CREATE'],
    ['upload', 'ZohoCreator.bulk.CREATE'],
    ['start', 'ZohoCreator.bulk.UPDATE'],
    ['abort', 'ZohoCreator.bulk.UPDATE'],
    ['status', 'ZohoCreator.bulk.READ'],
    ['result', 'ZohoCreator.bulk.READ'],
    ['fields', 'ZohoCreator.meta.form.READ']
  ] as const)(
    'names the scope a %s needs when the token lacks one (2945), and only it',
    (operation, scope) => {
      const hint = hintFor(2945, 401, operation)
      expect(hint).toContain(
        operation === 'fields' ? `with ${scope} added` : `lacks ${scope}, the scope`
      )
      const unauthorised = hintFor(undefined, 401, operation)
      expect(unauthorised).toBe(
        `Zoho did not accept the token: check that it is current and has scope ${scope}.`
      )
    }
  )

  it('says a form takes one job at a time when a create is refused with 7130', () => {
    expect(hintFor(7130, 400, 'create')).toBe(
      'Another bulk job of this form has not ended (a form takes one at a time): wait for it ' +
        '(action: status, wait: true) or abort it, then run again.'
    )
    expect(hintFor(7130, 400, 'start')).toContain('check job-id')
  })

  it('names in codes.ts only codes the contract has', () => {
    const named = [
      SUCCESS_CODE,
      TOKEN_REFUSED_CODE,
      PER_MINUTE_LIMIT_CODE,
      DAILY_LIMIT_CODE,
      RESULT_NOT_READY_CODE,
      UNKNOWN_URL_CODE,
      FILE_EXISTS_CODE,
      ...REQUEST_FAULT_CODES
    ]
    expect(named.filter(code => !CODES.has(code))).toEqual([])
    // Every code with a hint of its own is checked above.
    const generic = hintFor(undefined, 400, 'start')
    const hinted = [...CODES.keys()].filter(code => hintFor(code, 400, 'start') !== generic)
    expect(hinted.filter(code => !SAME_MEANING.some(([known]) => known === code))).toEqual([])
  })

  it('names in the README only codes the contract has', () => {
    const inTables = readme
      .split('\n')
      .filter(line => /^\| (\d{4,5})(, \d{4,5})* \|/.test(line))
      .flatMap(line => line.split('|')[1]?.match(/\d+/g) ?? [])
    const inProse = [...readme.matchAll(/\bcodes? (\d{4,5})\b/g)].map(match => match[1] ?? '')
    const named = [...new Set([...inTables, ...inProse])].map(Number)
    expect(named.length).toBeGreaterThan(10)
    expect(named.filter(code => !CODES.has(code))).toEqual([])
  })
})

describe('hintFor', () => {
  it.each([
    [1030, 401, 'invalid or expired'],
    [2945, 401, 'The token lacks ZohoCreator.bulk.UPDATE, the scope this call needs'],
    [4000, 200, 'daily API limit'],
    [2955, 429, 'per-minute API limit'],
    [11350, 400, 'upload the CSV'],
    [11330, 404, 'check job-id'],
    [2892, 404, 'check app'],
    [2893, 404, 'check form'],
    [1040, 404, 'check owner'],
    [undefined, 404, 'check dc, owner, app, form and job-id'],
    [99999, 401, 'check that it is current'],
    [undefined, 403, 'admin or developer role'],
    [undefined, 503, 'run again later'],
    [undefined, 500, 'Zoho, or a gateway in front of it, failed: run again later.'],
    [undefined, 429, "Zoho's API rate limit was reached: wait and run again."],
    [99999, 499, "Check the inputs against Zoho's message."],
    [undefined, 400, "Check the inputs against Zoho's message."]
  ])('code %s with HTTP %s → %s', (code, status, hint) => {
    expect(hintFor(code, status, 'start')).toContain(hint)
  })
})
