import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { UserError } from '../errors';
import { Annotations, digestOf, EmptyJson, MediaTypes, openRepository, serializeManifest, type Repository } from '../oci';
import { Ocidex } from '../ocidex';
import { publishImmutableTag } from './publish-tag';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'publish-tag-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A release manifest of its own content (`note` in its config), made from `revision`. */
async function release(repo: Repository, note: string, revision: string): Promise<Buffer> {
  const config = Buffer.from(JSON.stringify({ note }));
  const descriptor = { mediaType: MediaTypes.resourceConfig, digest: digestOf(config), size: config.length };
  await repo.pushBlob(descriptor, () => Readable.from([config]));
  await repo.pushBlob(EmptyJson.descriptor, () => Readable.from([EmptyJson.bytes]));
  return serializeManifest({
    schemaVersion: 2,
    mediaType: MediaTypes.imageManifest,
    artifactType: MediaTypes.resourceArtifact,
    config: descriptor,
    layers: [EmptyJson.descriptor],
    annotations: { [Annotations.revision]: revision },
  });
}

describe('publishImmutableTag', () => {
  it('names the commit that holds a version with other content, and how to go on (SPEC §7.4)', async () => {
    const repo = openRepository({ kind: 'layout', dir }, 'ham');
    const theirs = await release(repo, 'theirs', 'a1'.repeat(20));
    await repo.pushManifest(theirs, MediaTypes.imageManifest, 'v1.1.0');
    const ours = await release(repo, 'ours', 'b2'.repeat(20));

    await expect(publishImmutableTag(repo, new Ocidex(repo), 'v1.1.0', ours)).rejects.toThrow(
      new UserError(
        `${repo.reference}:v1.1.0 already exists with other content (released from commit a1a1a1a1a1a1, ${digestOf(theirs).slice(0, 19)}): ` +
          'release tags are immutable; if that commit is not in your history, `git fetch` and merge it, then re-run release to get the next version',
      ),
    );
    expect((await repo.resolve('v1.1.0'))!.digest).toBe(digestOf(theirs));
    // The same content again is the idempotent re-release.
    await expect(publishImmutableTag(repo, new Ocidex(repo), 'v1.1.0', theirs)).resolves.toMatchObject({ tag: 'v1.1.0' });
  });
});
