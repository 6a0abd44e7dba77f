import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { UserError } from '../errors';
import { digestFile, digestOf, EmptyJson, Hasher, MANIFEST_SIZE_LIMIT, MediaTypes, serializeManifest, type Descriptor } from './content';
import type { RegistryReference } from './reference';
import { openRepository, untag, type Repository } from './repository';

jest.setTimeout(120_000);

const registryHost = process.env.MODELOS_TEST_REGISTRY;
if (!registryHost) throw new Error('MODELOS_TEST_REGISTRY is not set: run through the root jest config');

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'oci-repo-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

interface Backend {
  registry: () => RegistryReference;
  /** skopeo's name for a tag of repository `name`. */
  skopeoRef: (name: string, tag: string) => string;
}

const backends: Array<[string, Backend]> = [
  [
    'remote',
    {
      registry: () => ({ kind: 'remote', host: registryHost, namespace: 'oci-spec', plainHttp: true }),
      skopeoRef: (name, tag) => `docker://${registryHost}/oci-spec/${name}:${tag}`,
    },
  ],
  [
    'layout',
    {
      registry: () => ({ kind: 'layout', dir: path.join(tmp, 'layout') }),
      skopeoRef: (name, tag) => `oci:${path.join(tmp, 'layout', name)}:${tag}`,
    },
  ],
];

let counter = 0;
const uniqueName = () => `r${process.pid}x${Date.now().toString(36)}x${counter++}`;
const skopeo = (...args: string[]) => execFileSync('skopeo', args, { encoding: 'utf8' });

function streamOf(bytes: Buffer): () => NodeJS.ReadableStream {
  return () => Readable.from([bytes]);
}

async function pushBytes(repo: Repository, bytes: Buffer, mediaType: string): Promise<Descriptor> {
  const desc = { mediaType, digest: digestOf(bytes), size: bytes.length };
  await repo.pushBlob(desc, streamOf(bytes));
  return desc;
}

/** A resource-like artifact: custom config media type, one layer, artifactType. */
async function pushArtifact(repo: Repository, tag: string, note: string): Promise<{ bytes: Buffer; config: Buffer; layer: Buffer }> {
  const config = Buffer.from(JSON.stringify({ name: 'ham', note }));
  const layer = randomBytes(1024);
  const bytes = serializeManifest({
    schemaVersion: 2,
    mediaType: MediaTypes.imageManifest,
    artifactType: MediaTypes.resourceArtifact,
    config: await pushBytes(repo, config, MediaTypes.resourceConfig),
    layers: [await pushBytes(repo, layer, MediaTypes.layerTarGzip)],
    annotations: { 'org.opencontainers.image.title': 'ham' },
  });
  await repo.pushManifest(bytes, MediaTypes.imageManifest, tag);
  return { bytes, config, layer };
}

describe.each(backends)('%s repository', (kind, backend) => {
  const open = (name = uniqueName()) => openRepository(backend.registry(), name);

  it('names itself after its registry', () => {
    const repo = open('ham');
    expect(repo.reference).toBe(kind === 'remote' ? `${registryHost}/oci-spec/ham` : `oci:${path.join(tmp, 'layout', 'ham')}`);
  });

  it('uploads a blob once: the second push uploads zero blobs', async () => {
    const repo = open();
    const bytes = randomBytes(4096);
    const desc = { mediaType: MediaTypes.layerTarGzip, digest: digestOf(bytes), size: bytes.length };
    expect(await repo.blobExists(desc.digest)).toBe(false);
    await expect(repo.pushBlob(desc, streamOf(bytes))).resolves.toEqual({ uploaded: true });
    await expect(repo.pushBlob(desc, streamOf(bytes))).resolves.toEqual({ uploaded: false });
    expect(repo.counters).toMatchObject({ blobsUploaded: 1, bytesUploaded: 4096 });
    expect(await repo.blobExists(desc.digest)).toBe(true);
    expect((await repo.fetchBlob(desc.digest)).equals(bytes)).toBe(true);
  });

  it('refuses content that does not match its digest and stores nothing', async () => {
    const repo = open();
    const claimed = { mediaType: MediaTypes.layerTarGzip, digest: digestOf(Buffer.from('expected')), size: 8 };
    await expect(repo.pushBlob(claimed, streamOf(Buffer.from('tampered')))).rejects.toThrow(UserError);
    await expect(repo.pushBlob(claimed, streamOf(Buffer.from('tampered')))).rejects.toThrow(`the content sent for a blob does not match ${claimed.digest}: got`);
    expect(await repo.blobExists(claimed.digest)).toBe(false);
    expect(repo.counters.blobsUploaded).toBe(0);
  });

  it('stores a manifest with artifactType and a custom config type, readable by tag, by digest and by skopeo', async () => {
    const name = uniqueName();
    const repo = open(name);
    const { bytes, config, layer } = await pushArtifact(repo, 'v1.0.0', 'one');
    const digest = digestOf(bytes);

    const byTag = await repo.fetchManifest('v1.0.0');
    expect(byTag?.bytes.equals(bytes)).toBe(true);
    expect(byTag?.descriptor).toEqual({ mediaType: MediaTypes.imageManifest, digest, size: bytes.length, artifactType: MediaTypes.resourceArtifact });
    expect((await repo.fetchManifest(digest))?.bytes.equals(bytes)).toBe(true);
    expect(await repo.resolve('v1.0.0')).toMatchObject({ mediaType: MediaTypes.imageManifest, digest, size: bytes.length });

    const manifest = JSON.parse(byTag!.bytes.toString());
    expect(manifest.config.mediaType).toBe(MediaTypes.resourceConfig);
    expect((await repo.fetchBlob(manifest.config.digest)).equals(config)).toBe(true);
    const hasher = new Hasher();
    for await (const chunk of await repo.fetchBlobStream(manifest.layers[0].digest)) hasher.update(chunk as Buffer);
    expect(hasher.digest()).toBe(digestOf(layer));

    const tlsFlag = kind === 'remote' ? ['--tls-verify=false'] : [];
    expect(skopeo('inspect', '--raw', ...tlsFlag, backend.skopeoRef(name, 'v1.0.0'))).toBe(bytes.toString());
  });

  it('answers null / [] for what does not exist', async () => {
    const repo = open();
    expect(await repo.listTags()).toEqual([]);
    expect(await repo.resolve('v9.9.9')).toBeNull();
    expect(await repo.fetchManifest('v9.9.9')).toBeNull();
    expect(await repo.fetchManifest(digestOf(Buffer.from('none')))).toBeNull();
    await expect(repo.fetchBlob(digestOf(Buffer.from('none')))).rejects.toThrow(/blob sha256:[0-9a-f]+ not found in /);
    await expect(repo.resolve('not a tag')).rejects.toThrow('invalid tag "not a tag"');
  });

  it('lists tags, stores by digest without a tag, and re-points a moved tag', async () => {
    const name = uniqueName();
    const repo = open(name);
    const first = await pushArtifact(repo, 'latest', 'a');
    await repo.pushManifest(first.bytes, MediaTypes.imageManifest, 'v1.0.0');
    const second = await pushArtifact(repo, 'latest', 'b');
    const untagged = await pushArtifact(repo, 'tmp', 'c');
    await untag(repo, 'tmp');
    await repo.pushManifest(untagged.bytes, MediaTypes.imageManifest);

    expect((await repo.listTags()).sort()).toEqual(['latest', 'v1.0.0']);
    expect((await repo.resolve('latest'))?.digest).toBe(digestOf(second.bytes));
    expect((await repo.resolve('v1.0.0'))?.digest).toBe(digestOf(first.bytes));
    expect((await repo.fetchManifest(digestOf(untagged.bytes)))?.bytes.equals(untagged.bytes)).toBe(true);
    if (kind === 'remote') {
      const listed = JSON.parse(skopeo('list-tags', '--tls-verify=false', `docker://${registryHost}/oci-spec/${name}`));
      expect(listed.Tags.sort()).toEqual(['latest', 'v1.0.0']);
    }
  });

  it('untags one tag and keeps the other tags on the same digest', async () => {
    const name = uniqueName();
    const repo = open(name);
    const { bytes } = await pushArtifact(repo, 'abc1234-0000000-def5678', 'shared');
    await repo.pushManifest(bytes, MediaTypes.imageManifest, 'v1.0.0');

    await expect(untag(repo, 'abc1234-0000000-def5678')).resolves.toBe(true);
    await expect(untag(repo, 'abc1234-0000000-def5678')).resolves.toBe(false);

    expect(await repo.listTags()).toEqual(['v1.0.0']);
    expect(await repo.resolve('abc1234-0000000-def5678')).toBeNull();
    expect((await repo.resolve('v1.0.0'))?.digest).toBe(digestOf(bytes));
    const tlsFlag = kind === 'remote' ? ['--tls-verify=false'] : [];
    expect(skopeo('inspect', '--raw', ...tlsFlag, backend.skopeoRef(name, 'v1.0.0'))).toBe(bytes.toString());
  });

  it('deletes a manifest by digest, with every tag on it', async () => {
    const repo = open();
    const { bytes } = await pushArtifact(repo, 'a', 'x');
    await repo.pushManifest(bytes, MediaTypes.imageManifest, 'b');
    const keep = await pushArtifact(repo, 'c', 'y');
    await repo.deleteManifest(digestOf(bytes));
    await repo.deleteManifest(digestOf(bytes)); // already gone: nothing to do

    expect(await repo.listTags()).toEqual(['c']);
    expect(await repo.fetchManifest(digestOf(bytes))).toBeNull();
    expect((await repo.resolve('c'))?.digest).toBe(digestOf(keep.bytes));
  });

  it('streams a 50 MiB blob up and down, round-tripping by digest', async () => {
    const file = path.join(tmp, `big-${kind}.bin`);
    const chunk = randomBytes(1024 * 1024);
    const fd = fs.openSync(file, 'w');
    for (let i = 0; i < 50; i++) {
      chunk.writeUInt32BE(i, 0); // every MiB differs
      fs.writeSync(fd, chunk);
    }
    fs.closeSync(fd);
    const blob = await digestFile(file);
    expect(blob.size).toBe(50 * 1024 * 1024);

    const repo = open();
    await expect(repo.pushBlob({ mediaType: MediaTypes.layerTarGzip, ...blob }, () => fs.createReadStream(file))).resolves.toEqual({
      uploaded: true,
    });
    const hasher = new Hasher();
    for await (const part of await repo.fetchBlobStream(blob.digest)) hasher.update(part as Buffer);
    expect({ digest: hasher.digest(), size: hasher.size }).toEqual(blob);
    expect(repo.counters.bytesUploaded).toBe(blob.size);
    fs.rmSync(file);
  });

  it('uploads a stream of unknown digest in one pass and finds it by the digest it computed', async () => {
    const repo = open();
    const parts = [randomBytes(5 * 1024 * 1024), randomBytes(7 * 1024 * 1024), randomBytes(123)];
    const whole = Buffer.concat(parts);
    const written = await repo.pushBlobStreaming(() => Readable.from(parts));
    expect(written).toEqual({ digest: digestOf(whole), size: whole.length });
    expect(await repo.blobExists(written.digest)).toBe(true);
    expect((await repo.fetchBlob(written.digest)).equals(whole)).toBe(true);
    expect(repo.counters).toMatchObject({ blobsUploaded: 1, bytesUploaded: whole.length });
  });

  it('mounts a blob from a sibling repository without sending it, and declines one the sibling lacks', async () => {
    const source = open();
    const target = open();
    const bytes = randomBytes(2048);
    const desc = await pushBytes(source, bytes, MediaTypes.layerTarGzip);
    await expect(target.mountBlob(desc, source)).resolves.toBe(true);
    expect((await target.fetchBlob(desc.digest)).equals(bytes)).toBe(true);
    expect(target.counters).toMatchObject({ blobsUploaded: 0, bytesUploaded: 0, blobsMounted: 1 });
    const unknown = { mediaType: MediaTypes.layerTarGzip, digest: digestOf(randomBytes(16)), size: 16 };
    await expect(open().mountBlob(unknown, source)).resolves.toBe(false);
  });

  it('pushes the OCI empty config the same way as any blob', async () => {
    const repo = open();
    await repo.pushBlob(EmptyJson.descriptor, streamOf(EmptyJson.bytes));
    expect((await repo.fetchBlob(EmptyJson.descriptor.digest)).toString()).toBe('{}');
  });

  it('pushes and reads a manifest of exactly 4 MiB, and refuses one byte more before writing it', async () => {
    const repo = open();
    await repo.pushBlob(EmptyJson.descriptor, streamOf(EmptyJson.bytes));
    const atLimit = manifestOfSize(MANIFEST_SIZE_LIMIT);
    await repo.pushManifest(atLimit, MediaTypes.imageManifest, 'v1');
    expect((await repo.fetchManifest('v1'))?.bytes.equals(atLimit)).toBe(true);

    const above = manifestOfSize(MANIFEST_SIZE_LIMIT + 1);
    const refusal = `manifest v2 for ${repo.reference} is ${MANIFEST_SIZE_LIMIT + 1} bytes, above the 4 MiB an OCI manifest may have: refused`;
    await expect(repo.pushManifest(above, MediaTypes.imageManifest, 'v2')).rejects.toThrow(new UserError(refusal));
    expect(await repo.resolve('v2')).toBeNull();
    expect(await repo.fetchManifest(digestOf(above))).toBeNull();
    expect(await repo.listTags()).toEqual(['v1']);
  });
});

/** An image manifest of exactly `size` bytes (its annotation padded), on the empty config. */
function manifestOfSize(size: number): Buffer {
  const bare = serializeManifest({ schemaVersion: 2, mediaType: MediaTypes.imageManifest, config: EmptyJson.descriptor, layers: [], annotations: { pad: '' } });
  const padded = serializeManifest({
    schemaVersion: 2,
    mediaType: MediaTypes.imageManifest,
    config: EmptyJson.descriptor,
    layers: [],
    annotations: { pad: 'x'.repeat(size - bare.length) },
  });
  expect(padded.length).toBe(size);
  return padded;
}

describe('a layout whose manifest blob is above 4 MiB (written by another tool)', () => {
  it('is refused by its size, before it is read', async () => {
    const dir = path.join(tmp, 'layout-big');
    const repo = openRepository({ kind: 'layout', dir }, 'ham');
    await repo.pushBlob(EmptyJson.descriptor, streamOf(EmptyJson.bytes));
    await repo.pushManifest(manifestOfSize(1024), MediaTypes.imageManifest, 'small');
    const big = manifestOfSize(MANIFEST_SIZE_LIMIT + 1);
    const digest = digestOf(big);
    fs.writeFileSync(path.join(dir, 'ham', 'blobs', 'sha256', digest.slice('sha256:'.length)), big);
    const indexFile = path.join(dir, 'ham', 'index.json');
    const index = JSON.parse(fs.readFileSync(indexFile, 'utf8'));
    index.manifests.push({ mediaType: MediaTypes.imageManifest, digest, size: big.length, annotations: { 'org.opencontainers.image.ref.name': 'v1' } });
    fs.writeFileSync(indexFile, JSON.stringify(index));

    await expect(repo.fetchManifest('v1')).rejects.toThrow(
      new UserError(`manifest v1 in ${repo.reference} is ${MANIFEST_SIZE_LIMIT + 1} bytes, above the 4 MiB an OCI manifest may have: refused`),
    );
    expect(await repo.resolve('v1')).toMatchObject({ digest });
  });
});
