// The employees the end-to-end loads send: a header with a subfield's column, and five records
// with quoted cells that hold commas, quotes and line breaks.

export const HEADER = 'Employee_ID,Name.first_name,Email\r\n'

export const RECORDS: readonly string[] = [
  'E-1,Ada,ada@example.com\r\n',
  'E-2,"Grace ""Amazing"", Hopper",grace@example.com\r\n',
  'E-3,"Line\r\nbreak",lin@example.com\r\n',
  'E-4,Alan,alan@example.com\r\n',
  'E-5,"Eve, again",eve@example.com\r\n'
]

/** The header, then the records numbered (from 1) of `records`. */
export const csvOf = (numbers: readonly number[], records = RECORDS): string =>
  HEADER + numbers.map(number => records[number - 1] ?? '').join('')
