'use strict';
module.exports = {
  ...require('../../jest.preset'),
  displayName: 'nx-modelos',
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
  // Test against the engine's sources, so that a change there needs no build to be seen here.
  moduleNameMapper: { '^@modelos/versioning-core$': '<rootDir>/../versioning-core/src/index.ts' },
};
