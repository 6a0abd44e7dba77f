#!/usr/bin/env node
// Times gitFacts (a fixed number of git processes) against the naive way (one `git log -1` per
// resource) on a generated repository: 100 resources, ~5,000 commits, hot and cold resources.
// Needs the built core: `npm run build` (or tsc on packages/versioning-core) first.
//   node tools/bench-git-facts.js [--commits 5000] [--runs 5]
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { gitFacts } = require('../packages/versioning-core/dist/git');
const { random } = require('./bench-random');

const RESOURCES = 100;
const option = (name, fallback) => {
  const at = process.argv.indexOf(`--${name}`);
  return at === -1 ? fallback : Number(process.argv[at + 1]);
};
const COMMITS = option('commits', 5000);
const RUNS = option('runs', 5);

const git = (dir, args, input) => execFileSync('git', args, { cwd: dir, input, encoding: 'utf8', maxBuffer: 1 << 28 }).trim();
const root = (i) => `libs/res${String(i).padStart(3, '0')}`;
/** Resource i's closure: itself and the next resource, as if it depended on it. */
const closureOf = (i) => ({ name: `res${i}`, paths: [root(i), root((i + 1) % RESOURCES)] });

/**
 * One fast-import stream: a first commit with every resource, then COMMITS commits that each
 * change one file. Low-numbered resources are hot; high-numbered ones are rarely touched, so
 * their newest commit lies deep in history. One commit in five touches only docs/.
 */
function generateRepository() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'modelos-bench-git-'));
  git(dir, ['init', '-q', '-b', 'main']);
  const next = random(42);
  const chunks = [];
  const data = (text) => `data ${Buffer.byteLength(text)}\n${text}\n`;
  const file = (name, content) => `M 100644 inline ${name}\n${data(content)}`;
  for (let n = 0; n <= COMMITS; n++) {
    chunks.push(`commit refs/heads/main\nmark :${n + 1}\ncommitter Bench <bench@example.com> ${1600000000 + n * 60} +0000\n`);
    chunks.push(data(`commit ${n}`));
    if (n > 0) chunks.push(`from :${n}\n`);
    if (n === 0) {
      for (let i = 0; i < RESOURCES; i++) {
        chunks.push(file(`${root(i)}/resource.json`, '{"formatVersion":"1"}'), file(`${root(i)}/src/index.ts`, `export const v = 0;`));
      }
    } else if (next() < 0.2) {
      chunks.push(file(`docs/page${n % 50}.md`, `edit ${n}`));
    } else {
      const i = Math.floor(RESOURCES * next() ** 3);
      chunks.push(file(`${root(i)}/src/index.ts`, `export const v = ${n};`));
    }
  }
  git(dir, ['fast-import', '--quiet'], chunks.join(''));
  git(dir, ['reset', '-q', '--hard']);
  fs.writeFileSync(path.join(dir, root(3), 'src/wip.ts'), 'uncommitted');
  return dir;
}

function naive(dir, closures) {
  const answers = new Map();
  for (const { name, paths } of closures) answers.set(name, git(dir, ['log', '-1', '--format=%H', '--', ...paths]));
  return answers;
}

async function medianMs(run) {
  const times = [];
  let result;
  for (let r = 0; r < RUNS; r++) {
    const start = process.hrtime.bigint();
    result = await run();
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  times.sort((a, b) => a - b);
  return { ms: times[Math.floor(times.length / 2)], result };
}

async function main() {
  const started = Date.now();
  const dir = generateRepository();
  try {
    const commits = git(dir, ['rev-list', '--count', 'HEAD']);
    console.log(`repository: ${RESOURCES} resources, ${commits} commits, generated in ${Date.now() - started} ms; median of ${RUNS} runs`);
    const rows = [];
    for (const count of [1, 10, 100]) {
      // Spread over hot and cold resources alike.
      const closures = Array.from({ length: count }, (_, k) => closureOf(Math.floor((k * RESOURCES) / count)));
      const fast = await medianMs(() => gitFacts(dir, closures));
      const slow = await medianMs(() => naive(dir, closures));
      const agree = closures.every(({ name }) => fast.result.get(name).closureCommit === slow.result.get(name));
      rows.push([count, fast.ms.toFixed(0), 3, slow.ms.toFixed(0), count, agree ? 'yes' : 'NO']);
    }
    const header = ['resources', 'gitFacts ms', 'git procs', 'naive log -1 ms', 'git procs', 'same commits'];
    const widths = header.map((h, c) => Math.max(h.length, ...rows.map((row) => String(row[c]).length)));
    for (const row of [header, ...rows]) console.log(row.map((cell, c) => String(cell).padStart(widths[c])).join('  '));
    console.log('gitFacts also computes the dirty hash (git status + hashing); the naive column does not.');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
