// Two projects over the same suites: "bundle" runs every test, the end-to-end ones on
// dist/index.js in Node 24 as the runner does; "in-process" runs the end-to-end suites again
// through src/main.ts inside jest, so that coverage measures src/ (see emulator/run-action.ts).
export const common = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true }] },
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  // StrykerJS's sandboxes (npm run mutation) hold a copy of the project.
  modulePathIgnorePatterns: ['<rootDir>/.stryker-tmp/', '<rootDir>/reports/']
}

/** @type {import('jest').Config} */
export default {
  testTimeout: 30_000,
  collectCoverageFrom: ['src/**/*.ts', '!src/index.ts'],
  coverageReporters: ['text-summary', 'text', 'lcov'],
  coverageThreshold: { global: { lines: 90, branches: 90 } },
  projects: [
    { ...common, displayName: 'bundle', testMatch: ['<rootDir>/__tests__/**/*.test.ts'] },
    {
      ...common,
      displayName: 'in-process',
      testMatch: [
        '<rootDir>/__tests__/{action,auth,check-header,hostile,lifecycle,parts,long-wait,resilience,result-files,wait}.e2e.test.ts'
      ],
      globals: { ACTION_UNDER_TEST: 'in-process' }
    }
  ]
}
