// Two projects: "in-process" runs the end-to-end suites through src/main.ts inside jest, so that
// coverage measures src/ (see emulator/run-action.ts); "bundle" runs the unit suites, and a few
// end-to-end ones on dist/index.js in Node 24 as the runner does.
export const common = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true }] },
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  // StrykerJS's sandboxes (npm run mutation) hold a copy of the project.
  modulePathIgnorePatterns: ['<rootDir>/.stryker-tmp/', '<rootDir>/reports/']
}

/** The end-to-end suites run in-process (src/ as coverage and mutation testing see it). */
const IN_PROCESS = [
  'action',
  'auth',
  'check-header',
  'files',
  'hostile',
  'keyed',
  'lookups',
  'lifecycle',
  'parts',
  'long-wait',
  'resilience',
  'result-files',
  'wait'
]
/**
 * The few run on the bundle as the runner runs it: a start, a load and its cancel with the post step
 * (lifecycle), a load in parts, a load with a key, lookups, through a proxy, and TLS; with the unit
 * suites.
 */
const ON_THE_BUNDLE = ['action', 'files', 'keyed', 'lifecycle', 'lookups', 'parts', 'proxy', 'tls']

/** @type {import('jest').Config} */
export default {
  testTimeout: 30_000,
  collectCoverageFrom: ['src/**/*.ts', '!src/index.ts'],
  coverageReporters: ['text-summary', 'text', 'lcov'],
  coverageThreshold: { global: { lines: 90, branches: 90 } },
  projects: [
    {
      ...common,
      displayName: 'bundle',
      testMatch: ['<rootDir>/__tests__/**/*.test.ts'],
      testPathIgnorePatterns: [
        '/node_modules/',
        `/__tests__/(?!(${ON_THE_BUNDLE.join('|')})\\.e2e\\.)[^/]+\\.e2e\\.test\\.ts$`
      ]
    },
    {
      ...common,
      displayName: 'in-process',
      testMatch: [`<rootDir>/__tests__/{${IN_PROCESS.join(',')}}.e2e.test.ts`],
      globals: { ACTION_UNDER_TEST: 'in-process' }
    }
  ]
}
