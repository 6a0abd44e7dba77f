#!/usr/bin/env node
// Release benchmark: next-version computation and `releases` at scale, against one throwaway
// registry started here. A generated repository (git fast-import) holds 100 resources, 10,000
// commits and 2,000 release points (20 per resource) as annotated git tags `mdl-r<i>-v<version>`
// and as release manifests in the registry (revision, closure commit and client hash
// annotations, as release writes them). Measured beside the naive per-tag ways, in the same run.
// Needs the built core (`npm run build`).
//   node tools/bench-release.js [--sample 10] [--keep]
'use strict';
const { execFile, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { Readable } = require('node:stream');
const { promisify } = require('node:util');
const zlib = require('node:zlib');
const { printTable } = require('./bench-table');

const DIST = path.join(__dirname, '..', 'packages', 'versioning-core', 'dist');
const { releaseResource, listReleases, openRepository, parseRegistryReference } = require(DIST);
const { Annotations, CLEAN_DIRTY_ANNOTATION, MediaTypes, serializeManifest, digestOf } = require(path.join(DIST, 'oci'));
const { readResourceInterface } = require(path.join(DIST, 'resource-facts'));
const { Ocidex } = require(path.join(DIST, 'ocidex'));
const { findPreviousRelease } = require(path.join(DIST, 'release', 'previous-release'));

const RESOURCES = 100;
const COMMITS = 10_000;
const RELEASES_PER_RESOURCE = 20;
const BIG_REPO_RELEASES = 2_000;
/** The naive ways cost one process or request per tag: measure this many and extrapolate. */
const NAIVE_SAMPLE = 20;
/** Requests in flight for the setup pushes and the parallel GET row: as many as Ocidex uses. */
const IN_FLIGHT = 8;
const EPOCH = 1_600_000_000;
const option = (name, fallback) => {
  const at = process.argv.indexOf(`--${name}`);
  return at === -1 ? fallback : Number(process.argv[at + 1]);
};
const SAMPLE = option('sample', 10);
const KEEP = process.argv.includes('--keep');

const run = promisify(execFile);
const git = (dir, args, input) => execFileSync('git', args, { cwd: dir, input, encoding: 'utf8', maxBuffer: 1 << 28 }).trim();
const name = (i) => `r${i}`;
const root = (i) => `libs/r${String(i).padStart(3, '0')}`;
const ref = (i) => ({ name: name(i), root: root(i) });
const dateOf = (commit) => new Date((EPOCH + commit * 60) * 1000).toISOString();
const ms = (start) => Number(process.hrtime.bigint() - start) / 1e6;

/** Release k of a resource: majors every 5 releases, some patches; increasing in k. */
function versionOf(k) {
  return `${1 + Math.floor(k / 5)}.${k % 5}.${k % 3 === 2 ? 1 : 0}`;
}

/** Deterministic pseudo-random numbers (xorshift32): every run benches the same history. */
function random(seed) {
  let x = seed;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
}

/**
 * One fast-import stream: a first commit with every resource (resource.json, the class, a data
 * file), then commits that each change one resource's data file (the interface never changes,
 * so releases bump minor). Release k of resource i sits on the (k/20)-th of the commits touching
 * it, tagged `mdl-r<i>-v<version>`.
 */
function generateRepository(dir, { resourceFiles = () => [] } = {}) {
  git(dir, ['init', '-q', '-b', 'main']);
  const next = random(20240611);
  const touches = Array.from({ length: RESOURCES }, () => [0]);
  const chunks = [];
  const data = (text) => `data ${Buffer.byteLength(text)}\n${text}\n`;
  const file = (filePath, content) => `M 100644 inline ${filePath}\n${data(content)}`;
  for (let n = 0; n < COMMITS; n++) {
    // Conventional messages, so that `nx release` (bench-scale) finds a bump as release does.
    const i = n === 0 ? -1 : Math.floor(next() * RESOURCES);
    const message = n === 0 ? 'feat: resources' : `fix(${name(i)}): change ${n}`;
    chunks.push(`commit refs/heads/main\nmark :${n + 1}\ncommitter Bench <bench@example.com> ${EPOCH + n * 60} +0000\n`, data(message));
    if (n === 0) {
      chunks.push(file('.gitignore', '.modelos/\nnode_modules/\n'), file('package.json', '{ "name": "bench", "private": true }\n'));
      for (let i = 0; i < RESOURCES; i++) {
        chunks.push(
          file(`${root(i)}/resource.json`, JSON.stringify({ formatVersion: '1', entry: 'src/index.ts', class: `R${i}`, requires: {} })),
          file(`${root(i)}/src/index.ts`, `import { weight } from './data';\n\nexport class R${i} {\n  constructor(name: string) {}\n  predict(input: number[]): number {\n    return weight;\n  }\n}\n`),
          file(`${root(i)}/src/data.ts`, 'export const weight = 0;\n'),
          ...resourceFiles(i).map(([relative, content]) => file(`${root(i)}/${relative}`, content)),
        );
      }
    } else {
      chunks.push(`from :${n}\n`);
      touches[i].push(n);
      chunks.push(file(`${root(i)}/src/data.ts`, `export const weight = ${n};\n`));
    }
  }
  const releases = touches.map((commits, i) => {
    if (commits.length < RELEASES_PER_RESOURCE) throw new Error(`${name(i)} has only ${commits.length} commits`);
    return Array.from({ length: RELEASES_PER_RESOURCE }, (_, k) => ({
      version: versionOf(k),
      commit: commits[Math.floor((k * commits.length) / RELEASES_PER_RESOURCE)],
    }));
  });
  releases.forEach((list, i) => {
    for (const { version, commit } of list) {
      chunks.push(`tag mdl-${name(i)}-v${version}\nfrom :${commit + 1}\ntagger Bench <bench@example.com> ${EPOCH + commit * 60} +0000\n`, data(`${name(i)} v${version}`));
    }
  });
  const marks = path.join(dir, '.git', 'bench-marks');
  git(dir, ['fast-import', '--quiet', `--export-marks=${marks}`], chunks.join(''));
  const shas = new Map(
    fs
      .readFileSync(marks, 'utf8')
      .trim()
      .split('\n')
      .map((line) => line.split(' '))
      .map(([mark, sha]) => [Number(mark.slice(1)) - 1, sha]),
  );
  fs.rmSync(marks);
  git(dir, ['reset', '-q', '--hard']);
  git(dir, ['pack-refs', '--all']);
  return { touches, releases, shas };
}

async function forEachConcurrently(items, limit, task) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await task(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** A release manifest as `release` writes it, on one tiny config and layer shared by all. */
function releaseManifest({ resource, version, revision, clientHash, blobs }) {
  return serializeManifest({
    schemaVersion: 2,
    mediaType: MediaTypes.imageManifest,
    artifactType: MediaTypes.resourceArtifact,
    config: blobs.config,
    layers: [blobs.layer],
    annotations: {
      [Annotations.created]: dateOf(revision.index),
      [Annotations.revision]: revision.sha,
      [Annotations.title]: resource,
      [Annotations.kind]: 'release',
      [Annotations.clientHash]: clientHash,
      [Annotations.dirtyHash]: CLEAN_DIRTY_ANNOTATION,
      [Annotations.closureCommit]: revision.sha,
      [Annotations.version]: version,
    },
  });
}

function sharedBlobs() {
  const config = Buffer.from('{"bench":"shared config"}');
  const layer = zlib.gzipSync(Buffer.alloc(1024));
  const describe = (bytes, mediaType) => ({ mediaType, digest: digestOf(bytes), size: bytes.length, bytes });
  return { config: describe(config, MediaTypes.resourceConfig), layer: describe(layer, MediaTypes.layerTarGzip) };
}

/** Pushes every manifest (repository, tag, bytes); the shared blobs once per repository first. */
async function pushAll(registry, pushes, blobs) {
  const repos = new Map();
  for (const { repository } of pushes) if (!repos.has(repository)) repos.set(repository, openRepository(registry, repository));
  await forEachConcurrently([...repos.values()], IN_FLIGHT, async (repo) => {
    for (const blob of [blobs.config, blobs.layer]) await repo.pushBlob(blob, () => Readable.from([blob.bytes]));
  });
  await forEachConcurrently(pushes, IN_FLIGHT, ({ repository, tag, bytes }) =>
    repos.get(repository).pushManifest(bytes, MediaTypes.imageManifest, tag),
  );
}

/** The release manifests of every generated release point: (repository, tag, bytes). */
function releasePushes(ws, generated, blobs) {
  const pushes = [];
  for (let i = 0; i < RESOURCES; i++) {
    const clientHash = readResourceInterface(ws, ref(i)).clientHash;
    for (const { version, commit } of generated.releases[i]) {
      const revision = { index: commit, sha: generated.shas.get(commit) };
      pushes.push({ repository: name(i), tag: `v${version}`, bytes: releaseManifest({ resource: name(i), version, revision, clientHash, blobs }) });
    }
  }
  return pushes;
}

/** Generates the repository in `ws` and pushes its releases to `registry`, as the release bench does. */
async function generateReleasedWorkspace(ws, registry, options) {
  const generated = generateRepository(ws, options);
  const blobs = sharedBlobs();
  await pushAll(registry, releasePushes(ws, generated, blobs), blobs);
  return generated;
}

async function timedRelease(ws, registry, i) {
  const start = process.hrtime.bigint();
  const result = await releaseResource({ workspaceRoot: ws, resource: ref(i), closure: [ref(i)], registry, mainBranch: 'main', dryRun: true });
  return { ms: ms(start), result };
}

/** Cold: fresh Ocidex dir and no workspace cache; then warm: the same call again, median of 3. */
async function measureRelease(ws, registry, i, tmp) {
  process.env.MODELOS_CACHE_DIR = fs.mkdtempSync(path.join(tmp, 'cache-'));
  fs.rmSync(path.join(ws, '.modelos'), { recursive: true, force: true });
  const cold = await timedRelease(ws, registry, i);
  const warm = [];
  for (let r = 0; r < 3; r++) warm.push(await timedRelease(ws, registry, i));
  warm.sort((a, b) => a.ms - b.ms);
  return { cold, warm: warm[1] };
}

/** How release found the previous version of resource i: proves which path a mode measured. */
async function foundBy(ws, registry, i) {
  const entries = await new Ocidex(openRepository(registry, name(i))).refresh();
  const previous = await findPreviousRelease({ workspaceRoot: ws, resource: name(i), entries, warn: () => undefined });
  return previous.foundBy;
}

/** What release must answer for resource i: previous = its last release; minor bump if touched since. */
function expectedRelease(generated, i) {
  const last = generated.releases[i].at(-1);
  const touchedSince = generated.touches[i].at(-1) > last.commit;
  const [major, minor] = last.version.split('.').map(Number);
  return { previous: `v${last.version}`, version: touchedSince ? `v${major}.${minor + 1}.0` : `v${last.version}` };
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** The naive git way: one `git merge-base --is-ancestor <tag> HEAD` process per release tag. */
async function naiveGitTags(ws, i) {
  const start = process.hrtime.bigint();
  const tags = (await run('git', ['tag', '--list', `mdl-${name(i)}-v*`], { cwd: ws })).stdout.split('\n').filter(Boolean);
  let merged = 0;
  for (const tag of tags) {
    try {
      await run('git', ['merge-base', '--is-ancestor', tag, 'HEAD'], { cwd: ws });
      merged++;
    } catch (error) {
      if (error.code !== 1) throw error;
    }
  }
  return { ms: ms(start), tags: tags.length, merged };
}

async function main() {
  const { startRegistry } = require('./registry');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'modelos-bench-release-'));
  let server;
  try {
    server = await startRegistry({ dataDir: path.join(tmp, 'registry') });
    const ws = path.join(tmp, 'ws');
    fs.mkdirSync(ws);
    const registry = parseRegistryReference(`oci://${server.host}/bench`, ws);

    let start = process.hrtime.bigint();
    const generated = generateRepository(ws);
    const commitCount = Number(git(ws, ['rev-list', '--count', 'HEAD']));
    const tagCount = git(ws, ['tag', '--list', 'mdl-*']).split('\n').length;
    console.log(`repository: ${RESOURCES} resources, ${commitCount} commits, ${tagCount} annotated release tags, generated in ${(ms(start) / 1000).toFixed(1)} s`);

    start = process.hrtime.bigint();
    const blobs = sharedBlobs();
    const pushes = releasePushes(ws, generated, blobs);
    // `releases` reads one repository holding 2,000 releases (+ latest), made along the history.
    const bigTags = [];
    for (let k = 0; k < BIG_REPO_RELEASES; k++) {
      const version = `${1 + Math.floor(k / 100)}.${Math.floor(k / 10) % 10}.${k % 10}`;
      const index = Math.floor((k * COMMITS) / BIG_REPO_RELEASES);
      const bytes = releaseManifest({ resource: 'big', version, revision: { index, sha: generated.shas.get(index) }, clientHash: '0'.repeat(64), blobs });
      pushes.push({ repository: 'big', tag: `v${version}`, bytes });
      bigTags.push(`v${version}`);
      if (k === BIG_REPO_RELEASES - 1) pushes.push({ repository: 'big', tag: 'latest', bytes });
    }
    await pushAll(registry, pushes, blobs);
    console.log(`registry ${server.host}: ${pushes.length} release manifests pushed (${RESOURCES} repositories × ${RELEASES_PER_RESOURCE}, and bench/big with ${BIG_REPO_RELEASES} + latest) in ${(ms(start) / 1000).toFixed(1)} s`);

    // ---- next version -------------------------------------------------------------------------
    const sample = Array.from({ length: SAMPLE }, (_, k) => Math.floor((k * RESOURCES) / SAMPLE) + 3);
    const warmupResource = 1;
    start = process.hrtime.bigint();
    process.env.MODELOS_CACHE_DIR = fs.mkdtempSync(path.join(tmp, 'cache-'));
    await timedRelease(ws, registry, warmupResource);
    const warmupMs = ms(start);

    const withTags = [];
    for (const i of sample) withTags.push(await measureRelease(ws, registry, i, tmp));
    const naive = await naiveGitTags(ws, sample[0]);
    const foundWithTags = await foundBy(ws, registry, sample[0]);

    git(ws, ['update-ref', '--stdin'], git(ws, ['for-each-ref', '--format=delete %(refname)', 'refs/tags']) + '\n');
    if (git(ws, ['tag', '--list']) !== '') throw new Error('git tags are still there');
    const registryOnly = [];
    for (const i of sample) registryOnly.push(await measureRelease(ws, registry, i, tmp));
    const foundWithoutTags = await foundBy(ws, registry, sample[0]);
    if (foundWithTags !== 'git tag' || foundWithoutTags !== 'registry history') {
      throw new Error(`previous release of ${name(sample[0])} found by "${foundWithTags}" with tags, "${foundWithoutTags}" without`);
    }

    const rows = sample.map((i, s) => {
      const expected = expectedRelease(generated, i);
      for (const [mode, m] of [['git tags', withTags[s]], ['registry only', registryOnly[s]]]) {
        for (const { result } of [m.cold, m.warm]) {
          if (result.previous !== expected.previous || result.version !== expected.version || result.warnings.length > 0) {
            throw new Error(`${name(i)} (${mode}): got previous ${result.previous}, next ${result.version}, warnings ${JSON.stringify(result.warnings)}; expected ${expected.previous} → ${expected.version}`);
          }
        }
      }
      const r = withTags[s].cold.result;
      return [name(i), r.previous, r.version, r.bump ?? 'unchanged', withTags[s].cold.ms.toFixed(0), withTags[s].warm.ms.toFixed(0), registryOnly[s].cold.ms.toFixed(0), registryOnly[s].warm.ms.toFixed(0)];
    });
    console.log(`\nnext version: releaseResource({ dryRun: true, mainBranch: 'main' }) per resource (${RELEASES_PER_RESOURCE} releases each; ${tagCount} tags in the repository), ms`);
    printTable(['resource', 'previous', 'next', 'bump', 'git tags cold', 'git tags warm', 'registry-only cold', 'registry-only warm'], rows);
    const col = (list, key) => median(list.map((m) => m[key].ms));
    const perTag = naive.ms / naive.tags;
    console.log('');
    printTable(
      ['next version, per resource', 'ms', 'how'],
      [
        ['core, git tags, cold', col(withTags, 'cold').toFixed(0), 'median; fresh MODELOS_CACHE_DIR and no .modelos/cache'],
        ['core, git tags, warm', col(withTags, 'warm').toFixed(0), 'median (each: median of 3 repeats)'],
        ['core, registry only, cold', col(registryOnly, 'cold').toFixed(0), 'git tags deleted; revision annotations + one rev-list walk'],
        ['core, registry only, warm', col(registryOnly, 'warm').toFixed(0), 'median (each: median of 3 repeats)'],
        [`naive: is-ancestor per tag, ${naive.tags} tags`, naive.ms.toFixed(0), `measured on ${name(sample[0])}: ${perTag.toFixed(1)} ms/tag, ${naive.merged}/${naive.tags} merged`],
        [`naive: is-ancestor per tag, ${tagCount} tags`, (perTag * tagCount).toFixed(0), `EXTRAPOLATED from the ${naive.tags} measured (${perTag.toFixed(1)} ms × ${tagCount})`],
      ],
    );
    console.log(
      [
        `all ${SAMPLE} sampled resources, both modes, cold and warm: previous and next version as generated, no warnings;`,
        `previous release found by "${foundWithTags}" with tags and by "${foundWithoutTags}" without (checked on ${name(sample[0])}).`,
        `first call in the process (module loading; ${name(warmupResource)}, not in the sample): ${warmupMs.toFixed(0)} ms.`,
        `core's cold figures include the interface extraction and ${RELEASES_PER_RESOURCE} HEAD + ${RELEASES_PER_RESOURCE} GET to index the resource's repository;`,
        `the naive row covers only finding merged tags (no registry, no interface) — peers scan every release tag of the repository this way:`,
        `Nx release was reported at more than 30 minutes for 232 projects with several thousand tags (https://github.com/nrwl/nx/issues/33865).`,
      ].join('\n'),
    );

    // ---- releases -----------------------------------------------------------------------------
    const bigRef = `${server.host}/bench/big`;
    const timedList = async () => {
      const repo = openRepository(registry, 'big');
      const begin = process.hrtime.bigint();
      const releases = await listReleases(repo);
      return { ms: ms(begin), rows: releases.length, requests: repo.counters.requests, top: releases[0] };
    };
    process.env.MODELOS_CACHE_DIR = fs.mkdtempSync(path.join(tmp, 'cache-'));
    const coldList = await timedList();
    const warmLists = [await timedList(), await timedList(), await timedList()].sort((a, b) => a.ms - b.ms);
    const warmList = warmLists[1];
    if (coldList.rows !== BIG_REPO_RELEASES + 1 || warmList.rows !== coldList.rows || coldList.top.tag !== 'latest' || coldList.top.version !== bigTags.at(-1).slice(1)) {
      throw new Error(`listReleases gave ${coldList.rows} rows (warm ${warmList.rows}), top ${JSON.stringify(coldList.top)}`);
    }

    start = process.hrtime.bigint();
    const listed = JSON.parse((await run('skopeo', ['list-tags', '--tls-verify=false', `docker://${bigRef}`], { maxBuffer: 1 << 26 })).stdout);
    const skopeoListMs = ms(start);
    if (listed.Tags.length !== BIG_REPO_RELEASES + 1) throw new Error(`skopeo list-tags gave ${listed.Tags.length} tags`);

    const naiveTags = Array.from({ length: NAIVE_SAMPLE }, (_, k) => bigTags[Math.floor((k * bigTags.length) / NAIVE_SAMPLE)]);
    start = process.hrtime.bigint();
    for (const tag of naiveTags) await run('skopeo', ['inspect', '--raw', '--tls-verify=false', `docker://${bigRef}:${tag}`]);
    const skopeoInspectMs = ms(start) / NAIVE_SAMPLE;

    const sequential = openRepository(registry, 'big');
    start = process.hrtime.bigint();
    for (const tag of listed.Tags) await sequential.fetchManifest(tag);
    const sequentialMs = ms(start);
    const parallel = openRepository(registry, 'big');
    start = process.hrtime.bigint();
    await forEachConcurrently(listed.Tags, IN_FLIGHT, (tag) => parallel.fetchManifest(tag));
    const parallelMs = ms(start);

    const all = listed.Tags.length;
    console.log(`\nreleases: one repository with ${BIG_REPO_RELEASES} release tags + latest (${bigRef})`);
    printTable(
      ['operation', 'ms', 'HTTP requests', 'how'],
      [
        ['core listReleases, cold', coldList.ms.toFixed(0), coldList.requests, 'fresh MODELOS_CACHE_DIR: list + one GET per tag (8 in flight)'],
        ['core listReleases, warm', warmList.ms.toFixed(0), warmList.requests, 'same dir, median of 3: list + HEAD of the movable `latest`'],
        ['skopeo list-tags', skopeoListMs.toFixed(0), '-', 'names only: no version, kind, digest or date'],
        [`naive: skopeo inspect --raw per tag, ${NAIVE_SAMPLE} tags`, (skopeoInspectMs * NAIVE_SAMPLE).toFixed(0), NAIVE_SAMPLE, `measured: ${skopeoInspectMs.toFixed(0)} ms/tag (a process each)`],
        [`naive: skopeo inspect --raw per tag, ${all} tags`, (skopeoInspectMs * all).toFixed(0), all, `EXTRAPOLATED from the ${NAIVE_SAMPLE} measured (${skopeoInspectMs.toFixed(0)} ms × ${all})`],
        [`naive: one GET per tag in-process, ${all} tags`, sequentialMs.toFixed(0), sequential.counters.requests, 'measured: core HTTP client, sequential, no index'],
        [`one GET per tag in-process, 8 in flight, ${all} tags`, parallelMs.toFixed(0), parallel.counters.requests, 'measured: core HTTP client, no index (no HEAD first)'],
      ],
    );
  } finally {
    if (server) await server.stop();
    if (KEEP) console.log(`kept ${tmp}`);
    else fs.rmSync(tmp, { recursive: true, force: true });
  }
}

module.exports = { RESOURCES, COMMITS, RELEASES_PER_RESOURCE, name, root, generateReleasedWorkspace };

if (require.main === module) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
