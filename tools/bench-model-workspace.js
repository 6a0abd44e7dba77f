// A git workspace holding resource `ham` with a large model file, for the store and compare benchmarks.
'use strict';
const { execFileSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { pipeline } = require('node:stream/promises');

const MiB = 1024 * 1024;
const git = (dir, args) => execFileSync('git', args, { cwd: dir, encoding: 'utf8' }).trim();

/** Random bytes, as model weights are: they do not compress, so a layer is as big as its model. */
async function writeRandomFile(file, mib) {
  async function* chunks() {
    for (let i = 0; i < mib; i++) yield crypto.randomBytes(MiB);
  }
  await pipeline(chunks(), fs.createWriteStream(file));
}

/** `git init` with a bench identity and resource ham (resource.json plus `extra`, class Ham); returns a writer. */
function initHamWorkspace(ws, extra = {}) {
  const write = (file, text) => {
    fs.mkdirSync(path.dirname(path.join(ws, file)), { recursive: true });
    fs.writeFileSync(path.join(ws, file), text);
  };
  git(ws, ['init', '-q', '-b', 'main']);
  git(ws, ['config', 'user.email', 'bench@example.com']);
  git(ws, ['config', 'user.name', 'Bench']);
  write('.gitignore', '.modelos/\nnode_modules/\n');
  write('package.json', JSON.stringify({ name: 'bench-workspace', private: true }, null, 2));
  write('ham/resource.json', JSON.stringify({ formatVersion: '1', entry: 'src/ham.ts', class: 'Ham', requires: {}, ...extra }, null, 2));
  write('ham/src/ham.ts', "export class Ham {\n  constructor(a: string) {}\n  bake(temp: number): string {\n    return 'x';\n  }\n}\n");
  return write;
}

/** Random bytes do not compress: git stores them uncompressed to keep the setup short. */
function commitAll(ws, message) {
  git(ws, ['-c', 'core.compression=0', 'add', '.']);
  git(ws, ['commit', '-q', '-m', message]);
}

module.exports = { MiB, git, writeRandomFile, initHamWorkspace, commitAll };
