'use strict';
module.exports = {
  projects: ['<rootDir>/packages/runtime', '<rootDir>/packages/versioning-core', '<rootDir>/packages/nx-modelos', '<rootDir>/e2e'],
  globalSetup: '<rootDir>/tools/jest-global-setup.js',
  globalTeardown: '<rootDir>/tools/jest-global-teardown.js',
};
