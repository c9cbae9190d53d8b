// The entry point the runner executes for the main step and, after a cancel, the post step
// (action.yml `runs.main` and `runs.post` are its bundle). The main step leaves a mark in the
// step's state, which only the post step sees.
import * as core from '@actions/core'
import { runMain } from './main.ts'
import { runPost } from './post.ts'

const POST_MARK = 'is-post'

if (core.getState(POST_MARK) === 'true') await runPost()
else {
  core.saveState(POST_MARK, 'true')
  await runMain()
}
// The step has reported. Nothing still open, such as a proxy that never answered a tunnel request
// the deadline gave up on, may keep it alive: the process ends in a moment whatever is left.
setTimeout(() => process.exit(), 500).unref()
