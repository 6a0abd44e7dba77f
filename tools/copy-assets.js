#!/usr/bin/env node
// tsc does not copy non-TS assets; the plugin ships its schema.json files and generator
// templates from dist, so mirror them from src after the compile.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const packages = ['packages/runtime', 'packages/versioning-core', 'packages/nx-modelos'];
// Hand-written declarations (executor schema.d.ts) are imported by compiled .d.ts files.
const isAsset = (file) => !file.endsWith('.ts') || file.endsWith('.d.ts') || file.includes(`${path.sep}files${path.sep}`);

function copyAssets(srcDir, distDir) {
  for (const entry of fs.readdirSync(srcDir, { withFileTypes: true })) {
    const from = path.join(srcDir, entry.name);
    const to = path.join(distDir, entry.name);
    if (entry.isDirectory()) copyAssets(from, to);
    else if (isAsset(from)) {
      fs.mkdirSync(distDir, { recursive: true });
      fs.copyFileSync(from, to);
    }
  }
}

const root = path.resolve(__dirname, '..');
for (const pkg of packages) copyAssets(path.join(root, pkg, 'src'), path.join(root, pkg, 'dist'));
