// Small rules for text from elsewhere (Zoho, a gateway, a file) on its way to a log line, an
// error message, an output or the job summary. Each runs in time linear in the text.

/** A count and its noun, singular for one: "1 record", "3 records", "2 batches". */
export function counted(count: number, noun: string, plural = `${noun}s`): string {
  return `${count} ${count === 1 ? noun : plural}`
}

/** Any run of blanks and line breaks as one space. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim()
}

/** The text cut to at most `max` characters, marked where it was cut; never half a character. */
export function cut(text: string, max: number, mark = '…'): string {
  if (text.length <= max) return text
  const kept = text.slice(0, max)
  // A cut between the two halves of a surrogate pair would leave half a character.
  return `${/[\uD800-\uDBFF]$/.test(kept) ? kept.slice(0, -1) : kept}${mark}`
}

/**
 * The text on one log line: its line breaks written as \r and \n, so that nothing in it starts a
 * line of its own, where the runner would read a workflow command such as ::error::.
 */
export function logLine(text: string): string {
  return text.replace(/\r/g, '\\r').replace(/\n/g, '\\n')
}
