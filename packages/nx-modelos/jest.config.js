'use strict';
module.exports = {
  ...require('../../jest.preset'),
  displayName: 'nx-modelos',
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
