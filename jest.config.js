/**
 * Jest runs the TypeScript tests beside the code through ts-jest.
 * Type checking is `npm run typecheck`'s job, so ts-jest only transpiles
 * (isolatedModules): the suite stays fast on a 2-core machine.
 * @type {import('jest').Config}
 */
module.exports = {
  roots: ['<rootDir>/src'],
  testMatch: ['**/*.test.ts'],
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': ['ts-jest', { isolatedModules: true, diagnostics: false }],
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
  testTimeout: 60000,
};
