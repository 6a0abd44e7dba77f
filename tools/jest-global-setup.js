// One throwaway registry and one temp dir for the whole test run; tests read both from the env.
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { startRegistry } = require('./registry');

module.exports = async function globalSetup() {
  // Whatever the run writes to the temp dir, our tests or the tools they start, lands in one
  // dir that teardown removes: Nx's ensurePackage leaves a ~140 MB npm install there on every
  // `nx g` that fetches a plugin, and a CI run does dozens.
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'modelos-test-run-'));
  process.env.MODELOS_TEST_RUN_DIR = runDir;
  process.env.TMPDIR = runDir;
  const registry = await startRegistry();
  process.env.MODELOS_TEST_REGISTRY = registry.host;
  // Ocidex files of this run stay out of the user's cache.
  process.env.MODELOS_CACHE_DIR = fs.mkdtempSync(path.join(runDir, 'modelos-test-cache-'));
  globalThis.__MODELOS_TEST_REGISTRY__ = registry;
};
