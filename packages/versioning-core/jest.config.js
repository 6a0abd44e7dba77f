'use strict';
module.exports = {
  ...require('../../jest.preset'),
  displayName: 'versioning-core',
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
