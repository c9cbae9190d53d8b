// The entry point the runner executes (action.yml `runs.main` is its bundle).
import { run } from './main.ts'

await run()
// The step has reported. Nothing still open, such as a proxy that never answered a tunnel request
// the deadline gave up on, may keep it alive: the process ends in a moment whatever is left.
setTimeout(() => process.exit(), 500).unref()
