#!/usr/bin/env node
// Store benchmark (SPEC §6): a resource carrying a 200 MiB model file, stored by core's
// storeResource in a child process (its own peak RSS), then re-stored unchanged; beside skopeo
// copying an OCI image layout that holds the very same layer blob, then re-copying it. Everything
// runs against one throwaway registry started here. Needs the built core (`npm run build`).
//   node tools/bench-store.js [--mib 200] [--keep]
'use strict';
const { execFileSync, spawn } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { pipeline } = require('node:stream/promises');
const zlib = require('node:zlib');
const { printTable } = require('./bench-table');
const { commitAll, initHamWorkspace, MiB, writeRandomFile } = require('./bench-model-workspace');

const CORE = path.join(__dirname, '..', 'packages', 'versioning-core', 'dist', 'index.js');
const option = (name, fallback) => {
  const at = process.argv.indexOf(`--${name}`);
  return at === -1 ? fallback : Number(process.argv[at + 1]);
};
const MODEL_MIB = option('mib', 200);
const KEEP = process.argv.includes('--keep');
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';

const git = (dir, args) => execFileSync('git', args, { cwd: dir, encoding: 'utf8' }).trim();
const sha256 = (bytes) => `sha256:${crypto.createHash('sha256').update(bytes).digest('hex')}`;

/** The child: one storeResource in a fresh process, so its peak RSS is the store's own. */
async function child(workspaceRoot, registryUrl) {
  const { storeResource, parseRegistryReference } = require(CORE);
  const ham = { name: 'ham', root: 'ham' };
  const started = process.hrtime.bigint();
  const result = await storeResource({
    workspaceRoot,
    resource: ham,
    closure: [ham],
    registry: parseRegistryReference(registryUrl, workspaceRoot),
  });
  const storeMs = Number(process.hrtime.bigint() - started) / 1e6;
  process.stdout.write(JSON.stringify({ storeMs, maxRssKiB: process.resourceUsage().maxRSS, result }));
}

async function makeWorkspace(ws) {
  initHamWorkspace(ws);
  await writeRandomFile(path.join(ws, 'ham', 'model.bin'), MODEL_MIB);
  commitAll(ws, 'ham with its model');
}

/** Runs a command under /usr/bin/time; returns its stdout, stderr and (wall s, max RSS KiB). */
function timed(command, args) {
  return new Promise((resolve, reject) => {
    const proc = spawn('/usr/bin/time', ['-f', '%e %M', command, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    proc.stdout.on('data', (d) => (stdout += d));
    proc.stderr.on('data', (d) => (stderr += d));
    proc.on('error', reject);
    proc.on('close', (code) => {
      const lines = stderr.trimEnd().split('\n');
      const [wall, rss] = lines.pop().trim().split(/\s+/).map(Number);
      if (code !== 0) return reject(new Error(`${command} ${args.join(' ')} exited ${code}:\n${stderr}`));
      resolve({ stdout, stderr: lines.join('\n'), wallS: wall, maxRssKiB: rss });
    });
  });
}

async function storeInChild(ws, registryUrl) {
  const run = await timed(process.execPath, [__filename, '--child', ws, registryUrl]);
  return { wallS: run.wallS, timeRssKiB: run.maxRssKiB, ...JSON.parse(run.stdout) };
}

/** The path where distribution keeps a blob: lets the layout share our layer's exact bytes. */
function registryBlobPath(registryDir, digest) {
  const hex = digest.slice('sha256:'.length);
  return path.join(registryDir, 'data', 'docker', 'registry', 'v2', 'blobs', 'sha256', hex.slice(0, 2), hex, 'data');
}

async function uncompressedDigest(file) {
  const hash = crypto.createHash('sha256');
  await pipeline(fs.createReadStream(file), zlib.createGunzip(), async function* (source) {
    for await (const chunk of source) hash.update(chunk);
  });
  return `sha256:${hash.digest('hex')}`;
}

/**
 * An OCI image layout with one image: our stored layer (hard-linked from the registry's storage,
 * so the same gzip bytes go on the wire) and a standard image config.
 */
async function buildLayout(dir, layer, layerFile) {
  const blobs = path.join(dir, 'blobs', 'sha256');
  fs.mkdirSync(blobs, { recursive: true });
  const put = (bytes) => {
    const digest = sha256(bytes);
    fs.writeFileSync(path.join(blobs, digest.slice(7)), bytes);
    return { digest, size: bytes.length };
  };
  fs.linkSync(layerFile, path.join(blobs, layer.digest.slice(7)));
  const config = Buffer.from(
    JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [await uncompressedDigest(layerFile)] } }),
  );
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...put(config) },
      layers: [{ mediaType: layer.mediaType, digest: layer.digest, size: layer.size }],
    }),
  );
  const manifestDesc = put(manifest);
  fs.writeFileSync(path.join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  fs.writeFileSync(
    path.join(dir, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      manifests: [{ mediaType: OCI_MANIFEST, ...manifestDesc, annotations: { 'org.opencontainers.image.ref.name': 'bench' } }],
    }),
  );
  return { configSize: config.length };
}

/**
 * Digests of the blobs the registry accepted (a completed upload: `PUT …/blobs/uploads/…?digest=…`
 * answered 201) during `run`, read from its access log: the same server-side count for both clients.
 */
async function registryUploads(registry, repository, run) {
  const log = path.join(registry.dataDir, 'registry.log');
  const from = fs.statSync(log).size;
  const value = await run();
  const text = fs.readFileSync(log).subarray(from).toString('utf8');
  const pattern = new RegExp(`"PUT /v2/${repository}/blobs/uploads/[^ "]*digest=sha256(?::|%3A)([0-9a-f]{64})[^"]*" 201 `, 'g');
  return { ...value, uploaded: [...text.matchAll(pattern)].map((match) => `sha256:${match[1]}`) };
}

function skopeoCopy(layoutDir, host) {
  return timed('skopeo', ['copy', '--dest-tls-verify=false', `oci:${layoutDir}:bench`, `docker://${host}/bench/skopeo:bench`]);
}

async function main() {
  const { startRegistry } = require('./registry');
  const { openRepository, parseRegistryReference } = require(CORE);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'modelos-bench-store-'));
  let registry;
  try {
    registry = await startRegistry({ dataDir: path.join(tmp, 'registry') });
    const registryUrl = `oci://${registry.host}/bench`;
    const ws = path.join(tmp, 'ws');
    fs.mkdirSync(ws);
    let started = Date.now();
    await makeWorkspace(ws);
    console.log(`workspace: ham with a ${MODEL_MIB} MiB random model.bin, committed, in ${((Date.now() - started) / 1000).toFixed(1)} s; registry ${registry.host}`);

    const first = await registryUploads(registry, 'bench/ham', () => storeInChild(ws, registryUrl));
    const again = await registryUploads(registry, 'bench/ham', () => storeInChild(ws, registryUrl));
    if (again.result.digest !== first.result.digest) throw new Error(`re-store changed the digest: ${first.result.digest} → ${again.result.digest}`);

    const repo = openRepository(parseRegistryReference(registryUrl, ws), 'ham');
    const stored = JSON.parse((await repo.fetchManifest(first.result.digest)).bytes.toString('utf8'));
    const layer = stored.layers[0];
    const layoutDir = path.join(tmp, 'layout');
    started = Date.now();
    const { configSize } = await buildLayout(layoutDir, layer, registryBlobPath(registry.dataDir, layer.digest));
    const layoutS = (Date.now() - started) / 1000;
    const copy = await registryUploads(registry, 'bench/skopeo', () => skopeoCopy(layoutDir, registry.host));
    const recopy = await registryUploads(registry, 'bench/skopeo', () => skopeoCopy(layoutDir, registry.host));

    const sizes = new Map([stored.config, ...stored.layers].map((blob) => [blob.digest, blob.size]));
    for (const file of fs.readdirSync(path.join(layoutDir, 'blobs', 'sha256'))) {
      sizes.set(`sha256:${file}`, fs.statSync(path.join(layoutDir, 'blobs', 'sha256', file)).size);
    }
    const uploadedBytes = ({ uploaded }) => {
      const unknown = uploaded.filter((digest) => !sizes.has(digest));
      if (unknown.length > 0) throw new Error(`the registry received blobs no artifact references: ${unknown.join(', ')}`);
      return uploaded.reduce((sum, digest) => sum + sizes.get(digest), 0);
    };
    for (const run of [first, again]) {
      const counted = [run.result.blobsUploaded, run.result.bytesUploaded].join('/');
      if (counted !== [run.uploaded.length, uploadedBytes(run)].join('/')) {
        throw new Error(`core counted ${counted} blobs/bytes uploaded, the registry log ${run.uploaded.length}/${uploadedBytes(run)}`);
      }
    }
    const mib = (bytes) => (bytes / MiB).toFixed(1);
    const rssMiB = (kib) => (kib / 1024).toFixed(0);
    console.log(`\nlayer: ${layer.digest.slice(0, 19)}… ${mib(layer.size)} MiB tar+gzip (ours, level 1); manifest ${first.result.digest.slice(0, 19)}…`);
    printTable(
      ['operation', 'wall s', 'peak RSS MiB', 'blobs uploaded', 'MiB uploaded'],
      [
        ['store (core, new process)', first.wallS.toFixed(2), rssMiB(first.maxRssKiB), first.uploaded.length, mib(uploadedBytes(first))],
        ['re-store unchanged (core, new process)', again.wallS.toFixed(2), rssMiB(again.maxRssKiB), again.uploaded.length, mib(uploadedBytes(again))],
        ['skopeo copy oci: layout → registry', copy.wallS.toFixed(2), rssMiB(copy.maxRssKiB), copy.uploaded.length, mib(uploadedBytes(copy))],
        ['skopeo re-copy unchanged layout', recopy.wallS.toFixed(2), rssMiB(recopy.maxRssKiB), recopy.uploaded.length, mib(uploadedBytes(recopy))],
      ],
    );
    console.log(
      [
        '',
        `blobs/MiB uploaded: completed blob uploads in the registry's access log (core's own counters agree).`,
        `wall s: /usr/bin/time %e of the whole process (node start-up and module loading included for core).`,
        `peak RSS: core = process.resourceUsage().maxRSS printed by the child (/usr/bin/time %M agrees: ${rssMiB(first.timeRssKiB)} and ${rssMiB(again.timeRssKiB)} MiB); skopeo = /usr/bin/time %M.`,
        `core's store builds the layer too (git ls-files, tar + gzip -1 + sha256 of ${MODEL_MIB} MiB to a temp file, then upload): storeResource itself took ${(first.storeMs / 1000).toFixed(2)} s, the re-store ${(again.storeMs / 1000).toFixed(2)} s (layer cache hit: stat + HEAD, no re-compression).`,
        `skopeo's layout was pre-built (${layoutS.toFixed(1)} s, not timed above): our exact layer blob hard-linked in, plus a ${configSize}-byte image config, so both send the same layer bytes.`,
        `re-store: same manifest digest (checked), reported unchanged: ${again.result.unchanged}.`,
      ].join('\n'),
    );
  } finally {
    if (registry) await registry.stop();
    if (KEEP) console.log(`kept ${tmp}`);
    else fs.rmSync(tmp, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--child') {
  child(process.argv[3], process.argv[4]).catch((error) => {
    console.error(error);
    process.exit(1);
  });
} else {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
