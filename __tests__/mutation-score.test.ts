// scripts/mutation-score.ts: the table npm run mutation commits, and the targets it holds.
import { describe, expect, it } from '@jest/globals'
import { fileURLToPath } from 'node:url'
import {
  mergeScores,
  moduleScore,
  score,
  scoreTable,
  sourceModules
} from '../scripts/mutation-score.ts'

/** A module's score from mutants of these statuses. */
const mutants = (...statuses: string[]) => moduleScore(statuses.map(status => ({ status })))
const IGNORED_STATIC = {
  status: 'Ignored',
  statusReason: 'Static mutant (and "ignoreStatic" was enabled)'
}

describe('the mutation score', () => {
  it('counts killed and timed-out mutants, leaving out those that did not compile', () => {
    expect(
      score(['Killed', 'Timeout', 'Survived', 'NoCoverage', 'CompileError', 'Ignored'])
    ).toEqual({ detected: 2, valid: 4 })
  })

  it('writes a row per module and the overall figure, and names the modules under 85%', () => {
    const { markdown, overall, low } = scoreTable(
      {
        'src/b.ts': mutants('Killed', 'Killed', 'Killed', 'Survived'),
        'src/a.ts': mutants('Killed', 'Timeout', 'CompileError', 'Ignored', 'Ignored')
      },
      'on 2026-12-02'
    )
    expect(markdown).toContain(
      '| `src/a.ts` | 2 | 2 | 1 | 100.0% |\n| `src/b.ts` | 4 | 3 | 0 | 75.0% |'
    )
    expect(markdown).toContain('| **all of `src/`** | 6 | 5 | 1 | **83.3%** |')
    expect(markdown).toContain('on 2026-12-02')
    expect(markdown).toContain('Runs are incremental (stryker.config.json)')
    expect(markdown).toContain('\n2 mutants were ignored: those a `// Stryker disable` comment')
    expect(overall).toBeCloseTo(83.33, 1)
    expect(low).toEqual(['src/b.ts (75.0%)'])
  })

  it('says how many static mutants --ignoreStatic left, by module, apart from those a comment names', () => {
    const { markdown } = scoreTable(
      {
        'src/a.ts': moduleScore([
          { status: 'Killed' },
          IGNORED_STATIC,
          IGNORED_STATIC,
          { status: 'Ignored', statusReason: 'unreachable, the group takes part in every match' }
        ]),
        'src/b.ts': mutants('Killed')
      },
      'on 2026-12-03'
    )
    expect(markdown).toContain('\n1 mutant was ignored: those a `// Stryker disable` comment')
    expect(markdown).toContain(
      '2 static mutants are set aside too: values set as a module loads, which every test\n' +
        'runs (a run over them takes hours). `--ignoreStatic` ignores such a mutant, or StrykerJS runs it\n' +
        'against one test only, the end-to-end test it saw load the module first, not the tests that\n' +
        'check the value. Each row counts the others. By module:\n' +
        '`src/a.ts` 2.'
    )
    expect(scoreTable({ 'src/b.ts': mutants('Killed') }, 'on 2026-12-03').markdown).not.toContain(
      'static'
    )
  })

  it('gives no score to a module with nothing left to measure, only static mutants or none', () => {
    const statics = moduleScore([IGNORED_STATIC])
    const { markdown, low } = scoreTable(
      { 'src/a.ts': statics, 'src/b.ts': mutants('CompileError'), 'src/c.ts': mutants('Killed') },
      'on 2026-12-03'
    )
    expect(markdown).toContain(
      '| `src/a.ts` | 0 | 0 | 0 | only static mutants |\n' +
        '| `src/b.ts` | 0 | 0 | 0 | no mutants |\n' +
        '| `src/c.ts` | 1 | 1 | 0 | 100.0% |'
    )
    expect(low).toEqual([])
  })

  it('sets aside a static mutant StrykerJS ran against one test only, counted by module', () => {
    const { markdown, overall } = scoreTable(
      {
        'src/a.ts': moduleScore([
          { status: 'Killed' },
          { status: 'Survived', static: true, coveredBy: ['341'] },
          { status: 'Killed', static: true, coveredBy: ['341'] },
          { status: 'Survived', static: true, coveredBy: ['1', '2'] },
          { status: 'CompileError', static: true, coveredBy: [] },
          IGNORED_STATIC
        ])
      },
      'on 2026-12-03'
    )
    // The static mutant tests ran (a constant a function reads) is measured: 1 of 2.
    expect(overall).toBe(50)
    expect(markdown).toContain('| `src/a.ts` | 2 | 1 | 0 | 50.0% |')
    expect(markdown).toContain('\n0 mutants were ignored: those a `// Stryker disable` comment')
    expect(markdown).toContain(
      '3 static mutants are set aside too: values set as a module loads, which every test\n' +
        'runs (a run over them takes hours). `--ignoreStatic` ignores such a mutant, or StrykerJS runs it\n' +
        'against one test only, the end-to-end test it saw load the module first, not the tests that\n' +
        'check the value. Each row counts the others. By module:\n' +
        '`src/a.ts` 3.'
    )
  })

  it('gives a row to each module the run did not measure, and says the total is not all', () => {
    const { markdown, unmeasured } = scoreTable(
      { 'src/a.ts': mutants('Killed') },
      'on 2026-12-02',
      ['src/a.ts', 'src/c.ts']
    )
    expect(unmeasured).toEqual(['src/c.ts'])
    expect(markdown).toContain(
      '| `src/a.ts` | 1 | 1 | 0 | 100.0% |\n| `src/c.ts` | — | — | — | not measured |'
    )
    expect(markdown).toContain('**1 of 2 modules were not measured**')
    expect(markdown).toContain('| **the modules measured** | 1 | 1 | 0 | **100.0%** |')
  })

  it('takes each module from the last run that measured it, and keeps the others', () => {
    const report = (files: Record<string, string[]>) => ({
      files: Object.fromEntries(
        Object.entries(files).map(([file, statuses]) => [
          file,
          { mutants: statuses.map(status => ({ status })) }
        ])
      )
    })
    const kept = { 'src/a.ts': mutants('Survived'), 'src/c.ts': mutants('Killed') }
    const older = report({ 'src/a.ts': ['Killed'], 'src/b.ts': ['Killed', 'Survived'] })
    const newer = report({ 'src/a.ts': ['Killed', 'Timeout'] })
    expect(mergeScores(kept, [older, newer], ['src/a.ts', 'src/b.ts', 'src/c.ts'])).toEqual({
      'src/a.ts': { mutants: 2, detected: 2, timedOut: 1, ignored: 0, static: 0 },
      'src/b.ts': { mutants: 2, detected: 1, timedOut: 0, ignored: 0, static: 0 },
      'src/c.ts': { mutants: 1, detected: 1, timedOut: 0, ignored: 0, static: 0 }
    })
    // A module gone from src/ is gone from the table.
    expect(Object.keys(mergeScores(kept, [newer], ['src/a.ts']))).toEqual(['src/a.ts'])
  })

  it('knows the modules StrykerJS mutates: every .ts of src/ but index.ts', () => {
    const modules = sourceModules(fileURLToPath(new URL('..', import.meta.url)))
    expect(modules).toEqual(expect.arrayContaining(['src/main.ts', 'src/csv/reader.ts']))
    expect(modules).not.toContain('src/index.ts')
    expect(modules.every(module => module.endsWith('.ts'))).toBe(true)
  })
})
