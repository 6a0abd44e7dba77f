'use strict';
const fs = require('node:fs');

module.exports = async function globalTeardown() {
  if (process.env.MODELOS_CACHE_DIR) fs.rmSync(process.env.MODELOS_CACHE_DIR, { recursive: true, force: true });
  const registry = globalThis.__MODELOS_TEST_REGISTRY__;
  if (!registry) return;
  await registry.stop();
  fs.rmSync(registry.dataDir, { recursive: true, force: true });
};
