// A set of keys in a few flat arrays instead of a Map of strings: a million keys of a load take
// about 30 MB here against about 75 MB as a Map (an object and a table entry each), which is what
// keeps a load with a key within its memory target. Each key's UTF-8 bytes go into one buffer; an
// open-addressing index of 32-bit numbers finds them by a hash of those bytes. What the table
// knows of a key lies in four numbers side by side, so that finding one among a million reads a
// few places of memory, not one an array.

const EMPTY = 0
const FIRST_ARENA_BYTES = 1_048_576
const FIRST_KEYS = 512
// Each key's four numbers, in this order.
const START = 0
const LENGTH = 1
const HASH = 2
const VALUE = 3
const NUMBERS = 4
// Keys up to this long are compared byte by byte here; longer ones by Buffer's native compare.
const SHORT_KEY_BYTES = 32

export class KeyTable {
  #arena = Buffer.allocUnsafe(FIRST_ARENA_BYTES)
  #used = 0
  /** Per key, in the order added: where its bytes start, their length, its hash, a number kept with it. */
  #numbers = new Int32Array(NUMBERS * FIRST_KEYS)
  #size = 0
  /** Open addressing: a key's number plus one, or EMPTY; at most half full. */
  #index = new Int32Array(2 * FIRST_KEYS)
  #scratch = Buffer.allocUnsafe(256)

  get size(): number {
    return this.#size
  }

  /** Adds `key` with `value` (a whole number); the value it already had, when it was there. */
  add(key: string, value: number): number | undefined {
    const length = this.#encode(key)
    const hash = this.#hash(length)
    const found = this.#find(hash, length)
    if (found !== undefined) return this.#number(found, VALUE)
    if (2 * (this.#size + 1) > this.#index.length) this.#grow()
    this.#store(hash, length, value)
    return undefined
  }

  has(key: string): boolean {
    return this.#lookUp(key) !== undefined
  }

  /** The value kept with `key`, when it is there. */
  get(key: string): number | undefined {
    const found = this.#lookUp(key)
    return found === undefined ? undefined : this.#number(found, VALUE)
  }

  /** The keys, in the order they were added. */
  *keys(): Generator<string> {
    for (let at = 0; at < this.#size; at++) {
      const start = this.#number(at, START)
      yield this.#arena.toString('utf8', start, start + this.#number(at, LENGTH))
    }
  }

  /** Number `which` of the key numbered `at`. */
  #number(at: number, which: number): number {
    return this.#numbers[NUMBERS * at + which] ?? 0
  }

  /**
   * Writes `key` as UTF-8 into the scratch buffer: its length in bytes. An ASCII key, the common
   * one, is copied here unit by unit: a call into Buffer's native code costs more than a short key.
   */
  #encode(key: string): number {
    const { length } = key
    if (3 * length > this.#scratch.length) this.#scratch = Buffer.allocUnsafe(3 * length)
    const scratch = this.#scratch
    for (let at = 0; at < length; at++) {
      const unit = key.charCodeAt(at)
      if (unit > 0x7f) return scratch.write(key, 0, 'utf8')
      scratch[at] = unit
    }
    return length
  }

  /** Whether the key in the scratch buffer, `length` bytes, is the one at `start` of the arena. */
  #isAt(start: number, length: number): boolean {
    if (length > SHORT_KEY_BYTES)
      return this.#scratch.compare(this.#arena, start, start + length, 0, length) === 0
    for (let at = 0; at < length; at++)
      if (this.#arena[start + at] !== this.#scratch[at]) return false
    return true
  }

  /** The number of `key`, or undefined. */
  #lookUp(key: string): number | undefined {
    const length = this.#encode(key)
    return this.#find(this.#hash(length), length)
  }

  /** FNV-1a over the scratch buffer's first `length` bytes: cheap, and spread enough for an index. */
  #hash(length: number): number {
    let hash = 0x811c9dc5
    for (let at = 0; at < length; at++) {
      hash ^= this.#scratch[at] ?? 0
      hash = Math.imul(hash, 0x01000193)
    }
    return hash
  }

  /** The number of the key in the scratch buffer, or undefined. */
  #find(hash: number, length: number): number | undefined {
    const mask = this.#index.length - 1
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const entry = this.#index[slot] ?? EMPTY
      if (entry === EMPTY) return undefined
      const at = entry - 1
      if (
        this.#number(at, HASH) === hash &&
        this.#number(at, LENGTH) === length &&
        this.#isAt(this.#number(at, START), length)
      )
        return at
    }
  }

  /** Adds the key in the scratch buffer, known not to be there. */
  #store(hash: number, length: number, value: number): void {
    if (this.#used + length > this.#arena.length) {
      const arena = Buffer.allocUnsafe(Math.max(2 * this.#arena.length, this.#used + length))
      this.#arena.copy(arena, 0, 0, this.#used)
      this.#arena = arena
    }
    if (NUMBERS * this.#size === this.#numbers.length) {
      const numbers = new Int32Array(2 * this.#numbers.length)
      numbers.set(this.#numbers)
      this.#numbers = numbers
    }
    this.#scratch.copy(this.#arena, this.#used, 0, length)
    const at = this.#size
    const numbers = this.#numbers
    const base = NUMBERS * at
    numbers[base + START] = this.#used
    numbers[base + LENGTH] = length
    numbers[base + HASH] = hash
    numbers[base + VALUE] = value
    this.#used += length
    this.#size += 1
    this.#place(at, hash)
  }

  #place(at: number, hash: number): void {
    const mask = this.#index.length - 1
    let slot = hash & mask
    while ((this.#index[slot] ?? EMPTY) !== EMPTY) slot = (slot + 1) & mask
    this.#index[slot] = at + 1
  }

  /** Doubles the index, and places every key again. */
  #grow(): void {
    this.#index = new Int32Array(2 * this.#index.length)
    for (let at = 0; at < this.#size; at++) this.#place(at, this.#number(at, HASH))
  }
}
