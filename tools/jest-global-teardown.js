'use strict';
const fs = require('node:fs');

module.exports = async function globalTeardown() {
  const registry = globalThis.__MODELOS_TEST_REGISTRY__;
  if (!registry) return;
  await registry.stop();
  fs.rmSync(registry.dataDir, { recursive: true, force: true });
};
