import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Annotations } from './oci';
import { cleanRepository } from './clean';
import { listReleases } from './release/releases';
import { MediaTypes, openRepository, parseRegistryReference, type Descriptor, type Repository } from './oci';
import { listRepositoryVersions } from './versions';
import { pushTinyArtifact } from './test-support/tiny-artifact';

const host = process.env.MODELOS_TEST_REGISTRY!;
const savedCacheDir = process.env.MODELOS_CACHE_DIR;
let counter = 0;
let repo: Repository;
let cacheDir: string;

beforeEach(() => {
  repo = openRepository(parseRegistryReference(`oci://${host}/clean-${process.pid}-${counter++}`, '/'), 'ham');
  cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'clean-cache-'));
  process.env.MODELOS_CACHE_DIR = cacheDir;
});
afterEach(() => {
  process.env.MODELOS_CACHE_DIR = savedCacheDir;
  fs.rmSync(cacheDir, { recursive: true, force: true });
});

/** A small real artifact under `tag`; `note` makes its digest unique. */
function pushArtifact(tag: string, note: string): Promise<Descriptor> {
  return pushTinyArtifact(repo, tag, { [Annotations.created]: '2026-01-01T00:00:00.000Z', note });
}

/** An OCI image index, as another tool (docker buildx, oras) would push it. */
async function pushIndex(tag: string, manifests: Descriptor[]): Promise<Descriptor> {
  const bytes = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MediaTypes.imageIndex,
      manifests: manifests.map((m) => ({ mediaType: m.mediaType, digest: m.digest, size: m.size })),
      annotations: { [Annotations.created]: '2026-02-01T00:00:00.000Z' },
    }),
  );
  return repo.pushManifest(bytes, MediaTypes.imageIndex, tag);
}

describe('a repository holding an image index', () => {
  const listed = 'abcdef1-0000000-1234567';
  const unlisted = 'abcdef2-0000000-1234567';

  it('lists the index as other and cleans around it, deleting nothing it references', async () => {
    const listedManifest = await pushArtifact(listed, 'listed');
    const unlistedManifest = await pushArtifact(unlisted, 'unlisted');
    const index = await pushIndex('some-index', [listedManifest]);

    const rows = await listRepositoryVersions(repo);
    expect(rows.find((row) => row.tag === 'some-index')).toEqual({
      tag: 'some-index',
      kind: 'other',
      digest: index.digest,
      created: null,
      clientHash: null,
      compatible: false,
      requires: null,
    });
    expect(rows.map((row) => row.tag).sort()).toEqual([listed, unlisted, 'some-index']);

    const result = await cleanRepository(repo);
    expect(result.actions).toEqual([
      { tag: listed, digest: listedManifest.digest, action: 'untag' },
      { tag: unlisted, digest: unlistedManifest.digest, action: 'delete' },
    ]);
    expect(result.kept).toBe(1);
    expect(await repo.listTags()).toEqual(['some-index']);
    expect((await repo.resolve('some-index'))?.digest).toBe(index.digest);
    expect(await repo.fetchManifest(listedManifest.digest)).not.toBeNull();
    expect(await repo.fetchManifest(unlistedManifest.digest)).toBeNull();
  });

  it('keeps the index as other in a warm index without reading it again; releases skip it', async () => {
    const manifest = await pushArtifact('v1.0.0', 'release');
    await pushIndex('some-index', [manifest]);
    expect((await listReleases(repo)).map((row) => row.tag)).toEqual(['v1.0.0']);
    expect((await listRepositoryVersions(repo)).map((row) => [row.tag, row.kind])).toEqual(
      expect.arrayContaining([['some-index', 'other']]),
    );
    const before = repo.counters.requests;
    const rows = await listRepositoryVersions(repo);
    // The tag list, and a HEAD for the index tag, which may move.
    expect(repo.counters.requests - before).toBe(2);
    expect(rows.map((row) => [row.tag, row.kind]).sort()).toEqual([['some-index', 'other'], ['v1.0.0', 'release']]);
  });
});

describe('cleanRepository', () => {
  it('untags, never deletes, a release manifest that only an adhoc tag names yet (a release halfway: v<version> comes next)', async () => {
    // What a release does first: the adhoc tag moves onto the release manifest; v1.2.0 follows it there.
    const release = await pushTinyArtifact(repo, 'ccccccc-0000000-1234567', { [Annotations.created]: '2026-01-01T00:00:00.000Z', [Annotations.version]: '1.2.0' });
    const result = await cleanRepository(repo);
    expect(result.actions).toEqual([{ tag: 'ccccccc-0000000-1234567', digest: release.digest, action: 'untag' }]);
    expect(await repo.listTags()).toEqual([]);
    // The manifest is still there: the release can put v1.2.0 on it, and nothing else was lost.
    expect((await repo.fetchManifest(release.digest))?.descriptor.digest).toBe(release.digest);
  });

  it('writes the index once at the end, even when a deletion fails midway', async () => {
    await pushArtifact('aaaaaaa-0000000-1234567', 'a');
    await pushArtifact('bbbbbbb-0000000-1234567', 'b');
    await pushArtifact('v1.0.0', 'release');
    // The real repository, with its second deletion failing as a dropped connection would.
    let deletions = 0;
    const failing: Repository = Object.create(repo);
    failing.deleteManifest = async (digest) => {
      if (++deletions === 2) throw new Error('connection reset');
      return repo.deleteManifest(digest);
    };

    await expect(cleanRepository(failing)).rejects.toThrow('connection reset');
    const [file] = fs.readdirSync(path.join(cacheDir, 'ocidex')).map((name) => path.join(cacheDir, 'ocidex', name));
    const indexed = (JSON.parse(fs.readFileSync(file, 'utf8')).entries as Array<{ tag: string }>).map((e) => e.tag).sort();
    expect(indexed).toEqual(['bbbbbbb-0000000-1234567', 'v1.0.0']);
    expect((await repo.listTags()).sort()).toEqual(['bbbbbbb-0000000-1234567', 'v1.0.0']);
  });
});
