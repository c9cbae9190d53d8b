// The runner cancels a step with SIGINT, then SIGTERM 7.5 s later, then kills it at 10 s. The
// first signal aborts one AbortSignal that every call and wait listens to, so that the action
// stops at once and still reports what it knows.
import { CancelledError } from './errors.ts'

export interface Cancellation {
  readonly signal: AbortSignal
  /** Stops listening for signals; called once the step has reported. */
  dispose(): void
}

// If reporting itself hangs, the process still ends within the runner's grace time.
const EXIT_BACKSTOP_MS = 1800

export function cancelOnSignals(): Cancellation {
  const controller = new AbortController()
  let backstop: NodeJS.Timeout | undefined
  const onSignal = (name: NodeJS.Signals): void => {
    if (controller.signal.aborted) return
    controller.abort(new CancelledError(`The step was cancelled (${name}).`))
    backstop = setTimeout(() => process.exit(), EXIT_BACKSTOP_MS)
    backstop.unref()
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  return {
    signal: controller.signal,
    dispose: () => {
      process.off('SIGINT', onSignal)
      process.off('SIGTERM', onSignal)
      clearTimeout(backstop)
    }
  }
}
