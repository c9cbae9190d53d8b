// Loaded with --import ahead of the action: writes the process's peak memory (RSS, in kB) to the
// file BENCH_RSS_FILE names when the process exits.
import { writeFileSync } from 'node:fs'

process.on('exit', () => {
  writeFileSync(process.env.BENCH_RSS_FILE, String(process.resourceUsage().maxRSS))
})
