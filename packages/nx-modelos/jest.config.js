'use strict';
const { exports: coreExports } = require('../versioning-core/package.json');

/** `@modelos/versioning-core[/<subpath>]` → its source file, from the engine's package.json exports. */
const coreSources = Object.fromEntries(
  Object.entries(coreExports)
    .filter(([, target]) => typeof target === 'object')
    .map(([subpath, target]) => [
      `^@modelos/versioning-core${subpath.slice(1).replace(/[/.]/g, '\\$&')}$`,
      `<rootDir>/../versioning-core/src/${target.default.replace(/^\.\/dist\//, '').replace(/\.js$/, '.ts')}`,
    ]),
);

module.exports = {
  ...require('../../jest.preset'),
  displayName: 'nx-modelos',
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
  // Test against the engine's sources, so that a change there needs no build to be seen here.
  moduleNameMapper: coreSources,
};
