// What UTF-8 allows (RFC 3629), for the one byte a decoder refuses: where it is.

/**
 * The first byte of `bytes` that does not begin or continue a UTF-8 character (RFC 3629: no
 * overlong form, no surrogate, nothing above U+10FFFF), or -1. Bytes that continue a character
 * cut at the start are skipped; a character cut at the end is not judged.
 */
export function invalidUtf8At(bytes: Uint8Array): number {
  let at = 0
  while (at < bytes.length && at < 3 && ((bytes[at] ?? 0) & 0xc0) === 0x80) at += 1
  while (at < bytes.length) {
    const lead = bytes[at] ?? 0
    const [length, low, high] = sequenceOf(lead)
    if (length === 0) return at
    for (let next = 1; next < length; next++) {
      if (at + next >= bytes.length) return -1
      const byte = bytes[at + next] ?? 0
      const [min, max] = next === 1 ? [low, high] : [0x80, 0xbf]
      if (byte < min || byte > max) return at
    }
    at += length
  }
  return -1
}

/** A lead byte's sequence: its length (0 when it leads none), and the range of the byte after it. */
function sequenceOf(lead: number): readonly [number, number, number] {
  if (lead < 0x80) return [1, 0, 0]
  if (lead < 0xc2) return [0, 0, 0]
  if (lead < 0xe0) return [2, 0x80, 0xbf]
  if (lead === 0xe0) return [3, 0xa0, 0xbf]
  if (lead === 0xed) return [3, 0x80, 0x9f]
  if (lead < 0xf0) return [3, 0x80, 0xbf]
  if (lead === 0xf0) return [4, 0x90, 0xbf]
  if (lead < 0xf4) return [4, 0x80, 0xbf]
  if (lead === 0xf4) return [4, 0x80, 0x8f]
  return [0, 0, 0]
}
