// scripts/mutation-score.ts: the table npm run mutation commits, and the targets it holds.
import { describe, expect, it } from '@jest/globals'
import { score, scoreTable } from '../scripts/mutation-score.ts'

const mutants = (...statuses: string[]) => ({ mutants: statuses.map(status => ({ status })) })

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
        'src/a.ts': mutants('Killed', 'Timeout', 'CompileError')
      },
      'on 2026-12-02'
    )
    expect(markdown).toContain('| `src/a.ts` | 2 | 2 | 100.0% |\n| `src/b.ts` | 4 | 3 | 75.0% |')
    expect(markdown).toContain('| **all of `src/`** | 6 | 5 | **83.3%** |')
    expect(markdown).toContain('on 2026-12-02')
    expect(overall).toBeCloseTo(83.33, 1)
    expect(low).toEqual(['src/b.ts (75.0%)'])
  })
})
