// The entry point the runner executes for the main step and, after a cancel, the post step
// (action.yml `runs.main` and `runs.post` are its bundle). The main step leaves a mark in the
// step's state, which only the post step sees.
import * as core from '@actions/core'
import { runMain } from './main.ts'
import { runPost } from './post.ts'

const POST_MARK = 'is-post'

async function step(): Promise<void> {
  if (core.getState(POST_MARK) === 'true') await runPost()
  else {
    core.saveState(POST_MARK, 'true')
    await runMain()
  }
}

// No top-level await: the bundler can then join every module into one scope, which keeps
// dist/index.js readable and under 300 KB (an await here made each module a wrapper of its own).
void step().finally(() => {
  // The step has reported. Nothing still open, such as a proxy that never answered a tunnel
  // request the deadline gave up on, may keep it alive: the process ends in a moment.
  setTimeout(() => process.exit(), 500).unref()
})
