'use strict';
module.exports = {
  ...require('../jest.preset'),
  displayName: 'e2e',
  testMatch: ['<rootDir>/**/*.e2e.spec.ts'],
  testTimeout: 600000,
};
