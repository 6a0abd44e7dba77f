// Shared by every Jest project: TypeScript through ts-jest, transpile-only (tsc -b type-checks).
'use strict';
module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }] },
  moduleFileExtensions: ['ts', 'js', 'json'],
  setupFilesAfterEnv: [require.resolve('./tools/jest-unit-timeout.js')],
};
