// The jest run StrykerJS uses for each mutant (npm run mutation): one project, since Stryker's jest
// runner drops per-project globals. Mutants live in src/, so the end-to-end suites run in-process
// (through src/main.ts); the suites that test dist/ or processes of their own are left out.
import { common } from './jest.config.js'

/** @type {import('jest').Config} */
export default {
  ...common,
  testTimeout: 30_000,
  globals: { ACTION_UNDER_TEST: 'in-process' },
  testMatch: ['<rootDir>/__tests__/**/*.test.ts'],
  testPathIgnorePatterns: [
    '/node_modules/',
    '/__tests__/(dist|docs|metadata|readme|emulator)\\.test\\.ts$',
    '/__tests__/(proxy|tls)\\.e2e\\.test\\.ts$'
  ]
}
