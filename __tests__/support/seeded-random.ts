// A repeatable source of random numbers for tests that try many inputs: the same seed, the same
// inputs, so that a failure can be run again.

/** A function giving whole numbers from 0 to n - 1, from `seed` on. */
export function seededRandom(seed: number): (n: number) => number {
  let state = seed
  return n => {
    state = (state * 1103515245 + 12345) % 2 ** 31
    // The high bits of the generator: its low ones repeat with a short period.
    return Math.floor((state / 2 ** 31) * n)
  }
}
