'use strict';
module.exports = {
  ...require('../../jest.preset'),
  displayName: 'runtime',
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
