// Loaded with --import ahead of the action: writes the process's peak memory (RSS, in kB) to the
// file BENCH_RSS_FILE names when the process exits. On Linux it reads VmHWM, the peak of this
// program's own memory: getrusage's maxRSS survives exec, so a child of a large process (a jest
// worker holding a 250 MB upload) would report its parent's peak.
import { readFileSync, writeFileSync } from 'node:fs'

function peakKb() {
  try {
    const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'))
    if (match !== null) return Number(match[1])
  } catch {
    // Not Linux: maxRSS is the best there is.
  }
  return process.resourceUsage().maxRSS
}

process.on('exit', () => {
  writeFileSync(process.env.BENCH_RSS_FILE, String(peakKb()))
})
