// KeyTable: a set of keys, each with a number, in flat arrays; checked against a Map.
import { describe, expect, it } from '@jest/globals'
import { KeyTable } from '../src/operations/key-table.ts'
import { seededRandom } from './support/seeded-random.ts'

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

  it('tells apart keys of one hash, one length, or one text in other characters', () => {
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
})
