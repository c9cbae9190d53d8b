// The runner cancels a step with SIGINT, then SIGTERM 7.5 s later, then kills it at 10 s. The
// first signal aborts one AbortSignal that every call and wait listens to, so that the action
// stops at once and still reports what it knows.
import { CancelledError } from './errors.ts'

export interface Cancellation {
  readonly signal: AbortSignal
  /** Lets the process live `ms` more after a cancel, for the abort of a job it started. */
  holdExit(ms: number): void
  /** Stops listening for signals; called once the step has reported. */
  dispose(): void
}

// If reporting itself hangs, the process still ends within the runner's grace time.
const EXIT_BACKSTOP_MS = 1800

export function cancelOnSignals(): Cancellation {
  const controller = new AbortController()
  let backstop: NodeJS.Timeout | undefined
  const exitIn = (ms: number): void => {
    clearTimeout(backstop)
    backstop = setTimeout(() => process.exit(), ms)
    backstop.unref()
  }
  const onSignal = (name: NodeJS.Signals): void => {
    if (controller.signal.aborted) return
    controller.abort(new CancelledError(`The step was cancelled (${name}).`))
    exitIn(EXIT_BACKSTOP_MS)
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  return {
    signal: controller.signal,
    holdExit: ms => {
      if (backstop !== undefined) exitIn(ms)
    },
    dispose: () => {
      process.off('SIGINT', onSignal)
      process.off('SIGTERM', onSignal)
      clearTimeout(backstop)
    }
  }
}
