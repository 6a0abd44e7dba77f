import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { UserError } from '../../errors';
import {
  digestFile,
  digestOf,
  EmptyJson,
  indexedManifests,
  MediaTypes,
  parseManifest,
  serializeManifest,
  tryParseManifest,
  verifyingStream,
  type ImageManifest,
} from '.';

describe('digests', () => {
  it('digests the OCI empty JSON blob to its well-known digest', () => {
    expect(EmptyJson.descriptor).toEqual({
      mediaType: 'application/vnd.oci.empty.v1+json',
      digest: 'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a',
      size: 2,
    });
  });

  it('digests a file by streaming it, equal to hashing its bytes', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oci-digest-'));
    const bytes = randomBytes(3 * 1024 * 1024 + 17);
    fs.writeFileSync(path.join(dir, 'blob'), bytes);
    await expect(digestFile(path.join(dir, 'blob'))).resolves.toEqual({
      digest: `sha256:${createHash('sha256').update(bytes).digest('hex')}`,
      size: bytes.length,
    });
    fs.rmSync(dir, { recursive: true });
  });

  it('lets matching content through a verifying stream and fails on a mismatch', async () => {
    const bytes = Buffer.from('hello');
    const sink = async (source: AsyncIterable<Buffer>) => {
      for await (const chunk of source) void chunk;
    };
    await pipeline(Readable.from([bytes]), verifyingStream({ digest: digestOf(bytes), size: 5 }, 'hello'), sink);
    await expect(pipeline(Readable.from([Buffer.from('hellO')]), verifyingStream({ digest: digestOf(bytes) }, 'the blob'), sink)).rejects.toThrow(
      /the blob does not match sha256:/,
    );
    await expect(pipeline(Readable.from([Buffer.from('hello!')]), verifyingStream({ digest: digestOf(bytes), size: 5 }, 'x'), sink)).rejects.toThrow(
      UserError,
    );
  });
});

describe('serializeManifest', () => {
  const layer = { mediaType: MediaTypes.layerTarGzip, digest: digestOf(Buffer.from('l')), size: 1 };

  it('gives the same bytes whatever the key order of the input', () => {
    const a: ImageManifest = {
      schemaVersion: 2,
      mediaType: MediaTypes.imageManifest,
      artifactType: MediaTypes.resourceArtifact,
      config: EmptyJson.descriptor,
      layers: [{ ...layer, annotations: { b: '2', a: '1' } }],
      annotations: { 'org.opencontainers.image.title': 'ham', 'dev.modelos.kind': 'adhoc' },
    };
    const b = JSON.parse(
      '{"annotations":{"dev.modelos.kind":"adhoc","org.opencontainers.image.title":"ham"},"layers":[{"annotations":{"a":"1","b":"2"},"size":1,' +
        `"digest":"${layer.digest}","mediaType":"${layer.mediaType}"}],"config":{"size":2,"digest":"${EmptyJson.descriptor.digest}",` +
        `"mediaType":"${MediaTypes.emptyJson}"},"artifactType":"${MediaTypes.resourceArtifact}","mediaType":"${MediaTypes.imageManifest}","schemaVersion":2}`,
    ) as ImageManifest;
    expect(serializeManifest(a).equals(serializeManifest(b))).toBe(true);
    expect(serializeManifest(a).toString()).toMatch(/^\{"schemaVersion":2,"mediaType":"[^"]+","artifactType":"[^"]+","config":\{"mediaType"/);
    expect(serializeManifest(a).toString()).toContain('"annotations":{"dev.modelos.kind":"adhoc","org.opencontainers.image.title":"ham"}');
  });

  it('round-trips through parseManifest and rejects what is not an image manifest', () => {
    const manifest: ImageManifest = { schemaVersion: 2, mediaType: MediaTypes.imageManifest, config: EmptyJson.descriptor, layers: [layer] };
    expect(parseManifest(serializeManifest(manifest), 'm')).toEqual(manifest);
    expect(() => parseManifest(Buffer.from('{"schemaVersion":2,"layers":[]}'), 'manifest v1 of ham')).toThrow(
      'manifest v1 of ham is not an OCI image manifest',
    );
    expect(() => parseManifest(Buffer.from('nope'), 'x')).toThrow('x is not valid JSON');
  });

  it('tells an image index from an image manifest without throwing, and lists what an index holds', () => {
    const manifest: ImageManifest = { schemaVersion: 2, mediaType: MediaTypes.imageManifest, config: EmptyJson.descriptor, layers: [layer] };
    const child = { mediaType: MediaTypes.imageManifest, digest: layer.digest, size: 10 };
    const index = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MediaTypes.imageIndex, manifests: [child, { bogus: true }] }));
    expect(tryParseManifest(serializeManifest(manifest))).toEqual(manifest);
    expect(tryParseManifest(index)).toBeUndefined();
    expect(tryParseManifest(Buffer.from('nope'))).toBeUndefined();
    expect(indexedManifests(index)).toEqual([layer.digest]);
    expect(indexedManifests(serializeManifest(manifest))).toEqual([]);
    expect(indexedManifests(Buffer.from('nope'))).toEqual([]);
  });
});
