// One throwaway registry for the whole test run; tests read its address from the env.
'use strict';
const { startRegistry } = require('./registry');

module.exports = async function globalSetup() {
  const registry = await startRegistry();
  process.env.MODELOS_TEST_REGISTRY = registry.host;
  globalThis.__MODELOS_TEST_REGISTRY__ = registry;
};
