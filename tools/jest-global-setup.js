// One throwaway registry for the whole test run; tests read its address from the env.
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { startRegistry } = require('./registry');

module.exports = async function globalSetup() {
  const registry = await startRegistry();
  process.env.MODELOS_TEST_REGISTRY = registry.host;
  // Ocidex files of this run stay out of the user's cache.
  process.env.MODELOS_CACHE_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'modelos-test-cache-'));
  globalThis.__MODELOS_TEST_REGISTRY__ = registry;
};
