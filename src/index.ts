// The entry point the runner executes (action.yml `runs.main` is its bundle).
import { run } from './main.ts'

await run()
