// The small pieces under everything: time, error lines and text rules.
import { describe, expect, it } from '@jest/globals'
import { cancelReason, systemClock } from '../src/clock.ts'
import { ActionError, CancelledError, failureMessage } from '../src/errors.ts'
import { cut, logLine, oneLine } from '../src/text.ts'

describe('systemClock.sleep', () => {
  it('sleeps, and rejects with the cancel as soon as the signal aborts', async () => {
    const started = Date.now()
    await systemClock.sleep(20)
    expect(Date.now() - started).toBeGreaterThanOrEqual(15)
    const controller = new AbortController()
    setTimeout(() => {
      controller.abort(new CancelledError('The step was cancelled (SIGINT).'))
    }, 20)
    await expect(systemClock.sleep(60_000, controller.signal)).rejects.toThrow(
      'The step was cancelled (SIGINT).'
    )
  })

  it('names a cancel that came without a reason of ours', () => {
    const controller = new AbortController()
    controller.abort()
    expect(cancelReason(controller.signal)).toEqual(new CancelledError('The step was cancelled.'))
  })
})

describe('failureMessage', () => {
  it('is the message of an expected failure, and says a bug is one', () => {
    expect(failureMessage(new ActionError('Zoho said no.'))).toBe('Zoho said no.')
    expect(failureMessage(new TypeError('x is undefined'))).toBe(
      'Unexpected error (please report it): x is undefined'
    )
    expect(failureMessage('thrown text')).toBe('Unexpected error (please report it): thrown text')
  })
})

describe('text rules', () => {
  it('cuts at a length, marked, and never between the halves of a character', () => {
    expect(cut('abcdef', 6)).toBe('abcdef')
    expect(cut('abcdef', 3)).toBe('abc…')
    expect(cut('ab😀cd', 3, ' (cut)')).toBe('ab (cut)')
  })

  it('keeps text on one line: blanks folded, or line breaks written out for a log line', () => {
    expect(oneLine(' a \n\n b\t')).toBe('a b')
    expect(logLine('ok\r\n::error::x')).toBe('ok\\r\\n::error::x')
  })
})
