'use strict';
module.exports = {
  ...require('../jest.preset'),
  displayName: 'e2e',
  testMatch: ['<rootDir>/**/*.e2e.spec.ts'],
  testTimeout: 600000,
  // Jest reads testTimeout from the global config only; under the root's `projects` it would
  // be lost, so the setup file applies it to every e2e file as well.
  setupFilesAfterEnv: ['<rootDir>/utils/jest-timeout.ts'],
};
