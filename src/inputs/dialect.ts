// The file's encoding and delimiter, as the encoding and delimiter inputs name them.
import { type Delimiter, DELIMITERS, type Encoding, ENCODINGS } from '../csv/dialect.ts'
import { oneOf } from './rules.ts'

export function parseEncoding(value: string): Encoding | 'auto' {
  return oneOf('encoding', ['auto', ...ENCODINGS], value || 'auto')
}

export function parseDelimiter(value: string): Delimiter | 'auto' {
  const names = Object.keys(DELIMITERS) as (keyof typeof DELIMITERS)[]
  const named = oneOf('delimiter', ['auto', ...names], value || 'auto')
  return named === 'auto' ? named : DELIMITERS[named]
}
