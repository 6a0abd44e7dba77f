import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { Annotations } from '../oci';
import { UserError } from '../errors';
import { EmptyJson, MediaTypes, openRepository, parseRegistryReference, serializeManifest, untag, type Repository } from '../oci';
import { Ocidex } from './ocidex';
import { pushTinyArtifact } from '../test-support/tiny-artifact';

const host = process.env.MODELOS_TEST_REGISTRY!;
let counter = 0;
let repo: Repository;
let indexDir: string;

/** A small real artifact whose annotations say which version of the content it is. */
async function push(tag: string, content: string, created = '2026-01-01T00:00:00.000Z'): Promise<string> {
  return (await pushTinyArtifact(repo, tag, { [Annotations.clientHash]: content, [Annotations.created]: created })).digest;
}

function requestsOf(run: () => Promise<unknown>): Promise<number> {
  const before = repo.counters.requests;
  return run().then(() => repo.counters.requests - before);
}

beforeEach(() => {
  repo = openRepository(parseRegistryReference(`oci://${host}/ocidex-${process.pid}-${counter++}`, '/'), 'ham');
  indexDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ocidex-'));
});
afterEach(() => fs.rmSync(indexDir, { recursive: true, force: true }));

describe('Ocidex', () => {
  it('reads each new tag once, then only lists tags and re-resolves the ones that may move', async () => {
    await push('v1.0.0', 'a');
    await push('v1.1.0', 'b');
    await push('latest', 'b');
    await push('feat-x-0000000-abcdef1', 'c');
    // Cold: one list, one GET per tag.
    expect(await requestsOf(() => new Ocidex(repo, indexDir).refresh())).toBe(1 + 4);
    // Warm, in a new instance (as a new process would be): list, plus a HEAD for latest and the branch tag.
    const index = new Ocidex(repo, indexDir);
    expect(await requestsOf(() => index.refresh())).toBe(1 + 2);
    expect(index.get('v1.1.0')).toMatchObject({ kind: 'release', version: '1.1.0', clientHash: 'b' });
    expect(index.get('latest')!.digest).toBe(index.get('v1.1.0')!.digest);
  });

  it('leaves the store\'s tags unread when asked: known ones kept as they were, new ones left out, latest still followed', async () => {
    await push('v1.0.0', 'a');
    await push('latest', 'a');
    await push('0123456-0000000-abcdef1', 'x');
    await push('feat-x-0000000-abcdef1', 'y');
    await new Ocidex(repo, indexDir).refresh();
    for (let i = 0; i < 5; i++) await push(`fedcba${i}-0000000-abcdef1`, `new ${i}`);
    const movedAdhoc = await push('0123456-0000000-abcdef1', 'moved');
    const index = new Ocidex(repo, indexDir);
    // One list and one HEAD (latest): neither the 2 known nor the 5 new store tags are read.
    expect(await requestsOf(() => index.refresh({ skipStoreTags: true }))).toBe(1 + 1);
    expect(index.list().map((entry) => entry.tag).sort()).toEqual(['0123456-0000000-abcdef1', 'feat-x-0000000-abcdef1', 'latest', 'v1.0.0']);
    expect(index.get('0123456-0000000-abcdef1')!.digest).not.toBe(movedAdhoc);
    // A full refresh (another reader of the same index file) sees them all as they are.
    const full = new Ocidex(repo, indexDir);
    await full.refresh();
    expect(full.list()).toHaveLength(4 + 5);
    expect(full.get('0123456-0000000-abcdef1')!.digest).toBe(movedAdhoc);
  });

  it('follows a moved tag and drops a vanished one', async () => {
    await push('v1.0.0', 'a');
    await push('latest', 'a');
    await push('0123456-0000000-abcdef1', 'x');
    await new Ocidex(repo, indexDir).refresh();

    const moved = await push('latest', 'z');
    await untag(repo, '0123456-0000000-abcdef1');
    const entries = await new Ocidex(repo, indexDir).refresh();
    expect(entries.map((e) => e.tag).sort()).toEqual(['latest', 'v1.0.0']);
    expect(entries.find((e) => e.tag === 'latest')).toMatchObject({ digest: moved, clientHash: 'z' });
  });

  it('re-resolves adhoc tags: a tag cleaned and re-stored through another cache shows its new digest', async () => {
    const adhoc = '0123456-0000000-abcdef1';
    await push('v1.0.0', 'a');
    const first = await push(adhoc, 'a');
    expect((await new Ocidex(repo, indexDir).refresh()).find((e) => e.tag === adhoc)?.digest).toBe(first);

    // Elsewhere, with its own cache: clean drops the tag, a re-store pushes it again with a new created time.
    const otherCache = fs.mkdtempSync(path.join(os.tmpdir(), 'ocidex-other-'));
    let second: string;
    try {
      await untag(repo, adhoc);
      await new Ocidex(repo, otherCache).refresh();
      second = await push(adhoc, 'a', '2026-03-01T00:00:00.000Z');
      expect(second).not.toBe(first);
      expect((await new Ocidex(repo, otherCache).refresh()).find((e) => e.tag === adhoc)?.digest).toBe(second);
    } finally {
      fs.rmSync(otherCache, { recursive: true, force: true });
    }

    const index = new Ocidex(repo, indexDir);
    // The list, and a HEAD for the adhoc tag; the release is trusted as indexed.
    expect(await requestsOf(() => index.refresh())).toBe(1 + 1 + 1);
    expect(index.get(adhoc)).toMatchObject({ digest: second, created: '2026-03-01T00:00:00.000Z' });
  });

  it('rebuilds a corrupt or foreign index file instead of trusting it', async () => {
    const digest = await push('v1.0.0', 'a');
    await new Ocidex(repo, indexDir).refresh();
    const [file] = fs.readdirSync(indexDir);
    fs.writeFileSync(path.join(indexDir, file), '{"format":1,"repository":"elsewhere","entries":[]}');
    expect((await new Ocidex(repo, indexDir).refresh())[0]).toMatchObject({ tag: 'v1.0.0', digest });
    fs.writeFileSync(path.join(indexDir, file), '{ torn');
    expect((await new Ocidex(repo, indexDir).refresh())[0]).toMatchObject({ tag: 'v1.0.0', digest });
  });

  it('refuses an index directory under a regular file with one line naming it', async () => {
    await push('v1.0.0', 'a');
    fs.writeFileSync(path.join(indexDir, 'cache'), 'a file, not a directory');
    const refresh = new Ocidex(repo, path.join(indexDir, 'cache', 'ocidex')).refresh();
    await expect(refresh).rejects.toThrow(UserError);
    await expect(refresh).rejects.toThrow(`cannot write index directory ${path.join(indexDir, 'cache', 'ocidex')}: ENOTDIR: not a directory`);
  });

  it('forgets tags in memory and writes them all with one save', async () => {
    await push('0123456-0000000-abcdef1', 'a');
    await push('0123456-0000000-abcdef2', 'b');
    const index = new Ocidex(repo, indexDir);
    await index.refresh();
    const [file] = fs.readdirSync(indexDir).map((name) => path.join(indexDir, name));
    const tagsInFile = () => (JSON.parse(fs.readFileSync(file, 'utf8')).entries as Array<{ tag: string }>).map((e) => e.tag).sort();
    const written = fs.readFileSync(file);

    index.forget('0123456-0000000-abcdef1');
    index.forget('0123456-0000000-abcdef2');
    expect(fs.readFileSync(file).equals(written)).toBe(true);
    expect(index.list()).toEqual([]);
    index.save();
    expect(tagsInFile()).toEqual([]);
  });

  it('records our own pushes without another read', async () => {
    const index = new Ocidex(repo, indexDir);
    await index.refresh();
    const bytes = serializeManifest({ schemaVersion: 2, mediaType: MediaTypes.imageManifest, config: EmptyJson.descriptor, layers: [] });
    await repo.pushBlob(EmptyJson.descriptor, () => Readable.from([EmptyJson.bytes]));
    const pushed = await repo.pushManifest(bytes, MediaTypes.imageManifest, 'v2.0.0');
    index.record('v2.0.0', bytes, pushed);
    expect(await requestsOf(() => new Ocidex(repo, indexDir).refresh())).toBe(1);
  });
});
