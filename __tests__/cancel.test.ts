// The runner's cancel (src/cancel.ts): the first SIGINT or SIGTERM aborts the step's signal, and if
// reporting then hangs, the process still ends within the runner's grace time.
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals'
import { cancelOnSignals } from '../src/cancel.ts'
import { CancelledError } from '../src/errors.ts'

describe('cancelOnSignals', () => {
  it('aborts on the first SIGINT or SIGTERM, names it, and stops listening once disposed', () => {
    const listeners = process.listenerCount('SIGTERM')
    const cancellation = cancelOnSignals()
    expect(process.listenerCount('SIGTERM')).toBe(listeners + 1)
    process.emit('SIGTERM', 'SIGTERM')
    process.emit('SIGINT', 'SIGINT')
    expect(cancellation.signal.aborted).toBe(true)
    expect(cancellation.signal.reason).toEqual(
      new CancelledError('The step was cancelled (SIGTERM).')
    )
    cancellation.dispose()
    expect(process.listenerCount('SIGTERM')).toBe(listeners)
  })

  const exit = jest.fn<() => never>()
  const realExit = process.exit.bind(process)
  beforeEach(() => {
    jest.useFakeTimers()
    exit.mockClear()
    process.exit = exit
  })
  afterEach(() => {
    process.exit = realExit
    jest.useRealTimers()
  })

  it('aborts on the first signal, and ends the process 1.8 s later if the step has not', () => {
    const cancellation = cancelOnSignals()
    expect(cancellation.signal.aborted).toBe(false)
    process.emit('SIGTERM', 'SIGTERM')
    process.emit('SIGINT', 'SIGINT')
    expect(cancellation.signal.reason).toEqual(
      new CancelledError('The step was cancelled (SIGTERM).')
    )
    jest.advanceTimersByTime(1799)
    expect(exit).not.toHaveBeenCalled()
    jest.advanceTimersByTime(1)
    expect(exit).toHaveBeenCalledTimes(1)
    cancellation.dispose()
  })

  it('does not put off the end for a second signal', () => {
    const cancellation = cancelOnSignals()
    process.emit('SIGINT', 'SIGINT')
    jest.advanceTimersByTime(1000)
    process.emit('SIGTERM', 'SIGTERM')
    jest.advanceTimersByTime(800)
    expect(exit).toHaveBeenCalledTimes(1)
    cancellation.dispose()
  })

  it('holds the end for the abort of a job after a cancel, and holds nothing before one', () => {
    const cancellation = cancelOnSignals()
    cancellation.holdExit(500)
    jest.advanceTimersByTime(10_000)
    expect(exit).not.toHaveBeenCalled()
    process.emit('SIGINT', 'SIGINT')
    cancellation.holdExit(7500)
    jest.advanceTimersByTime(7499)
    expect(exit).not.toHaveBeenCalled()
    jest.advanceTimersByTime(1)
    expect(exit).toHaveBeenCalledTimes(1)
    cancellation.dispose()
  })

  it('lets a step that reported in time end on its own', () => {
    const before = process.listenerCount('SIGINT')
    const cancellation = cancelOnSignals()
    process.emit('SIGINT', 'SIGINT')
    cancellation.dispose()
    jest.advanceTimersByTime(10_000)
    expect(exit).not.toHaveBeenCalled()
    // Once disposed, a signal is no longer the action's to handle.
    expect(process.listenerCount('SIGINT')).toBe(before)
  })
})
