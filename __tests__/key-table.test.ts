// KeyTable: a set of keys, each with a number, in flat arrays; checked against a Map.
import { describe, expect, it } from '@jest/globals'
import { KeyTable } from '../src/operations/key-table.ts'
import { seededRandom } from './support/seeded-random.ts'

/** FNV-1a over the key's UTF-8 bytes, as the table hashes it. */
function fnv1a(key: string): number {
  let hash = 0x811c9dc5
  for (const byte of Buffer.from(key)) hash = Math.imul(hash ^ byte, 0x01000193)
  return hash
}

describe('KeyTable', () => {
  it('adds a key once, keeping its first value, and finds it again', () => {
    const table = new KeyTable()
    expect(table.add('E-1', 2)).toBeUndefined()
    expect(table.add('E-2', 3)).toBeUndefined()
    expect(table.add('E-1', 9)).toBe(2)
    expect(table.size).toBe(2)
    expect(table.has('E-1')).toBe(true)
    expect(table.has('E-3')).toBe(false)
    expect(table.get('E-2')).toBe(3)
    expect(table.get('E-3')).toBeUndefined()
    expect([...table.keys()]).toEqual(['E-1', 'E-2'])
  })

  it('tells apart keys in other characters, of other lengths, or in another order', () => {
    const table = new KeyTable()
    for (const key of ['', 'é', 'e\u0301', '日本', '😀', 'a'.repeat(5000), 'ab', 'ba'])
      table.add(key, 1)
    expect([...table.keys()]).toEqual([
      '',
      'é',
      'e\u0301',
      '日本',
      '😀',
      'a'.repeat(5000),
      'ab',
      'ba'
    ])
    expect(table.has('a'.repeat(4999))).toBe(false)
    expect(table.has('😁')).toBe(false)
  })

  it('holds what a Map holds, through its growth, for 50,000 random keys', () => {
    const random = seededRandom(7)
    const table = new KeyTable()
    const map = new Map<string, number>()
    for (let n = 0; n < 50_000; n++) {
      const key = `K-${random(40_000)}${random(100) === 0 ? 'ß' : ''}`
      expect(table.add(key, n)).toBe(map.get(key))
      if (!map.has(key)) map.set(key, n)
    }
    expect(table.size).toBe(map.size)
    expect([...table.keys()]).toEqual([...map.keys()])
    for (const key of map.keys()) expect(table.get(key)).toBe(map.get(key))
    expect(table.has('K-40001')).toBe(false)
  })

  it('tells apart two keys of one length and one hash', () => {
    const [first, second] = ['K0229599', 'K0432382'] // the first such pair among K0000000, K0000001, …
    expect(fnv1a(first)).toBe(fnv1a(second))
    const table = new KeyTable()
    expect(table.add(first, 1)).toBeUndefined()
    expect(table.has(second)).toBe(false)
    expect(table.add(second, 2)).toBeUndefined()
    expect([table.get(first), table.get(second)]).toEqual([1, 2])
  })

  it('does not take a key for the bytes of its neighbour that follow it', () => {
    // `E-1` then `X<n>`: their bytes lie side by side, `E-1X<n>`. Pick the n whose `E-1X<n>` starts
    // its search in the slot of `E-1` (1,024 slots while the table is small).
    const slot = (key: string) => fnv1a(key) & 1023
    let n = 0
    while (slot(`E-1X${n}`) !== slot('E-1')) n++
    const table = new KeyTable()
    table.add('E-1', 1)
    table.add(`X${n}`, 2)
    expect(table.has(`E-1X${n}`)).toBe(false)
    expect(table.get(`E-1X${n}`)).toBeUndefined()
  })

  it('keeps every byte as its keys outgrow the first megabyte, one key twice its size', () => {
    const table = new KeyTable()
    const long = (n: number) => `${n}:${'é'.repeat(20_000)}`
    for (let n = 0; n < 40; n++) table.add(long(n), n) // 1.6 MB of keys
    const huge = 'h'.repeat(5 * 1024 * 1024)
    table.add(huge, 40)
    table.add('last', 41)
    const keys = [...table.keys()]
    expect(keys).toHaveLength(42)
    expect(keys.slice(0, 40).every((key, n) => key === long(n))).toBe(true)
    expect(keys[40] === huge).toBe(true)
    expect(keys[41]).toBe('last')
    expect(table.get(long(39))).toBe(39)
  })
})
