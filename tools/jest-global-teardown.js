'use strict';
const fs = require('node:fs');

module.exports = async function globalTeardown() {
  await globalThis.__MODELOS_TEST_REGISTRY__?.stop();
  if (process.env.MODELOS_TEST_RUN_DIR) fs.rmSync(process.env.MODELOS_TEST_RUN_DIR, { recursive: true, force: true });
};
