import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { pipeline } from 'node:stream';
import { UserError } from '../../errors';
import { fileSystemRefusal } from '../../fs-refusal';
import { pipeToFile } from '../../pipe-to-file';
import {
  assertDigest,
  assertManifestSize,
  digestHex,
  digestOf,
  Hasher,
  hashingStream,
  isDigest,
  MediaTypes,
  manifestDescriptor,
  verifyingStream,
  type Descriptor,
} from '../content';
import { assertTag } from '../../tags/oci-tag';
import type { BlobWritten, Repository, RepositoryCounters } from '../repository';
import { withFileLock } from './lock';

/** Image-layout annotation that carries a manifest's tag in index.json. */
export const REF_NAME = 'org.opencontainers.image.ref.name';

interface ImageIndex {
  schemaVersion: 2;
  mediaType: string;
  manifests: Descriptor[];
  annotations?: Record<string, string>;
}

/**
 * A repository stored as an OCI image-layout directory (`oci-layout`, `index.json`,
 * `blobs/sha256/<hex>`), readable by `skopeo inspect oci:<dir>:<tag>`. Files appear whole
 * (temp file + rename), and index.json changes are serialized across processes by a lock file.
 */
export class LayoutRepository implements Repository {
  readonly reference: string;
  readonly counters: RepositoryCounters = { blobsUploaded: 0, bytesUploaded: 0, blobsMounted: 0, requests: 0 };
  readonly blobsDir: string;
  private readonly indexFile: string;

  constructor(private readonly dir: string) {
    this.reference = `oci:${dir}`;
    this.blobsDir = path.join(dir, 'blobs', 'sha256');
    this.indexFile = path.join(dir, 'index.json');
  }

  async blobExists(digest: string): Promise<boolean> {
    this.counters.requests++;
    return exists(this.blobPath(digest));
  }

  async pushBlob(desc: Descriptor, open: () => NodeJS.ReadableStream): Promise<{ uploaded: boolean }> {
    if (await this.blobExists(desc.digest)) return { uploaded: false };
    await this.writing(async () => {
      await this.ensureLayout();
      await this.writeAtomically(this.blobPath(desc.digest), async (tmp) => {
        await pipeToFile(tmp, { flags: 'wx' }, open(), verifyingStream(desc, 'the content sent for a blob'));
      });
    });
    this.counters.blobsUploaded++;
    this.counters.bytesUploaded += desc.size;
    return { uploaded: true };
  }

  /** Written to a temp file beside the blobs while hashed, then renamed to its digest: one pass. */
  async pushBlobStreaming(open: () => NodeJS.ReadableStream): Promise<BlobWritten> {
    const hasher = new Hasher();
    return this.writing(async () => {
      await this.ensureLayout();
      const tmp = path.join(this.blobsDir, `.tmp-${randomUUID()}`);
      try {
        await pipeToFile(tmp, { flags: 'wx' }, open(), hashingStream(hasher));
        const written = { digest: hasher.digest(), size: hasher.size };
        if (await exists(this.blobPath(written.digest))) {
          await fs.rm(tmp, { force: true });
          return written;
        }
        await fs.rename(tmp, this.blobPath(written.digest));
        this.counters.blobsUploaded++;
        this.counters.bytesUploaded += written.size;
        return written;
      } catch (err) {
        await fs.rm(tmp, { force: true });
        throw err;
      }
    });
  }

  /** A sibling layout (another resource of the same registry directory) shares its blob by a hard link. */
  async mountBlob(desc: Descriptor, from: Repository): Promise<boolean> {
    if (!(from instanceof LayoutRepository) || from === this) return false;
    const source = path.join(from.blobsDir, digestHex(desc.digest));
    if (!(await exists(source)) || (await this.blobExists(desc.digest))) return false;
    await this.writing(async () => {
      await this.ensureLayout();
      await this.writeAtomically(this.blobPath(desc.digest), (tmp) => fs.link(source, tmp).catch(() => fs.copyFile(source, tmp)));
    });
    this.counters.blobsMounted++;
    return true;
  }

  async fetchBlob(digest: string): Promise<Buffer> {
    this.counters.requests++;
    const bytes = await this.readBlob(digest);
    if (!bytes) throw new UserError(`blob ${digest} not found in ${this.reference}`);
    if (digestOf(bytes) !== digest) throw new UserError(`blob ${digest} in ${this.reference} is corrupt (its content hashes to ${digestOf(bytes)})`);
    return bytes;
  }

  async fetchBlobStream(digest: string): Promise<NodeJS.ReadableStream> {
    if (!(await this.blobExists(digest))) throw new UserError(`blob ${digest} not found in ${this.reference}`);
    return pipeline(createReadStream(this.blobPath(digest)), verifyingStream({ digest }, `blob ${digest} in ${this.reference}`), () => undefined);
  }

  async pushManifest(bytes: Buffer, mediaType: string, tag?: string): Promise<Descriptor> {
    if (tag !== undefined) assertTag(tag);
    this.counters.requests++;
    const descriptor = manifestDescriptor(bytes, mediaType);
    assertManifestSize(bytes.length, `manifest ${tag ?? descriptor.digest} for ${this.reference}`);
    await this.writing(async () => {
      await this.ensureLayout();
      const file = this.blobPath(descriptor.digest);
      if (!(await exists(file))) await this.writeAtomically(file, (tmp) => fs.writeFile(tmp, bytes, { flag: 'wx' }));
      await this.updateIndex((manifests) => {
        if (tag === undefined) {
          return manifests.some((m) => m.digest === descriptor.digest) ? manifests : [...manifests, descriptor];
        }
        // A re-pointed tag replaces its entry; a by-digest entry of the same manifest becomes redundant.
        const others = manifests.filter((m) => m.annotations?.[REF_NAME] !== tag && !(m.digest === descriptor.digest && !m.annotations?.[REF_NAME]));
        return [...others, { ...descriptor, annotations: { [REF_NAME]: tag } }];
      });
    });
    return descriptor;
  }

  async fetchManifest(ref: string): Promise<{ descriptor: Descriptor; bytes: Buffer } | null> {
    const entry = await this.resolve(ref);
    if (!entry) return null;
    const bytes = await this.readBlob(entry.digest, (size) => assertManifestSize(size, `manifest ${ref} in ${this.reference}`));
    if (!bytes) throw new UserError(`${this.reference} lists manifest ${entry.digest} (${ref}) but its blob is missing`);
    if (digestOf(bytes) !== entry.digest) throw new UserError(`manifest ${entry.digest} in ${this.reference} is corrupt`);
    return { descriptor: manifestDescriptor(bytes, entry.mediaType), bytes };
  }

  async resolve(ref: string): Promise<Descriptor | null> {
    this.counters.requests++;
    if (!isDigest(ref)) assertTag(ref);
    const manifests = (await this.readIndex()).manifests;
    const entry = isDigest(ref) ? manifests.find((m) => m.digest === ref) : manifests.find((m) => m.annotations?.[REF_NAME] === ref);
    // Only listed manifests exist, as in a registry: a deleted manifest's blob may linger.
    return entry ? withoutRefName(entry) : null;
  }

  async listTags(): Promise<string[]> {
    this.counters.requests++;
    const tags = (await this.readIndex()).manifests.map((m) => m.annotations?.[REF_NAME]).filter((t): t is string => !!t);
    return [...new Set(tags)];
  }

  async deleteManifest(digest: string): Promise<void> {
    assertDigest(digest);
    this.counters.requests++;
    if (!(await exists(this.indexFile))) return;
    // Blobs stay: other manifests may share them, and an image layout has no garbage collector here.
    await this.writing(() => this.updateIndex((manifests) => manifests.filter((m) => m.digest !== digest)));
  }

  private blobPath(digest: string): string {
    return path.join(this.blobsDir, digestHex(digest));
  }

  /** The blob's bytes, undefined when absent; `checkSize` may refuse it by its size before it is read. */
  private async readBlob(digest: string, checkSize?: (size: number) => void): Promise<Buffer | undefined> {
    let file: fs.FileHandle;
    try {
      file = await fs.open(this.blobPath(digest), 'r');
    } catch (err) {
      if (isAbsent(err)) return undefined;
      throw fileSystemRefusal(err, 'read', 'registry directory', this.dir);
    }
    try {
      checkSize?.((await file.stat()).size);
      return await file.readFile();
    } catch (err) {
      if (err instanceof UserError) throw err;
      throw fileSystemRefusal(err, 'read', 'registry directory', this.dir);
    } finally {
      await file.close();
    }
  }

  private async readIndex(): Promise<ImageIndex> {
    let text: string;
    try {
      text = await fs.readFile(this.indexFile, 'utf8');
    } catch (err) {
      if (isAbsent(err)) return emptyIndex();
      throw fileSystemRefusal(err, 'read', 'registry directory', this.dir);
    }
    try {
      const index = JSON.parse(text) as ImageIndex;
      // Every entry is read as a descriptor: `null` or a digest-less entry would crash a lookup later.
      if (!Array.isArray(index.manifests) || !index.manifests.every(isDescriptorLike)) throw new Error('no manifests array of descriptors');
      return index;
    } catch {
      throw new UserError(`${this.indexFile} is not a valid OCI image index`);
    }
  }

  /** A filesystem refusal (a file in the way, no permission, a full disk) is the user's to fix: one line, no stack. */
  private async writing<T>(write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (err) {
      throw fileSystemRefusal(err, 'write', 'registry directory', this.dir);
    }
  }

  private async updateIndex(change: (manifests: Descriptor[]) => Descriptor[]): Promise<void> {
    await withFileLock(`${this.indexFile}.lock`, async () => {
      const index = await this.readIndex();
      const next: ImageIndex = { ...index, manifests: change(index.manifests) };
      await this.writeAtomically(this.indexFile, (tmp) => fs.writeFile(tmp, JSON.stringify(next), { flag: 'wx' }));
    });
  }

  private async ensureLayout(): Promise<void> {
    await fs.mkdir(this.blobsDir, { recursive: true });
    const layoutFile = path.join(this.dir, 'oci-layout');
    if (!(await exists(layoutFile))) {
      await this.writeAtomically(layoutFile, (tmp) => fs.writeFile(tmp, JSON.stringify({ imageLayoutVersion: '1.0.0' }), { flag: 'wx' }));
    }
  }

  /** Writes through a temp file beside `target` and renames it into place, so readers never see half a file. */
  private async writeAtomically(target: string, write: (tmp: string) => Promise<void>): Promise<void> {
    const tmp = path.join(path.dirname(target), `.tmp-${randomUUID()}`);
    try {
      await write(tmp);
      await fs.rename(tmp, target);
    } catch (err) {
      await fs.rm(tmp, { force: true });
      throw err;
    }
  }
}

/** Nothing there: no file, or a file where a directory of the path should be. */
function isAbsent(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

function emptyIndex(): ImageIndex {
  return { schemaVersion: 2, mediaType: MediaTypes.imageIndex, manifests: [] };
}

function withoutRefName(entry: Descriptor): Descriptor {
  const { annotations, ...rest } = entry;
  const remaining = Object.entries(annotations ?? {}).filter(([key]) => key !== REF_NAME);
  return remaining.length ? { ...rest, annotations: Object.fromEntries(remaining) } : rest;
}

function isDescriptorLike(entry: unknown): boolean {
  const candidate = entry as Partial<Descriptor> | null;
  return typeof candidate === 'object' && candidate !== null && typeof candidate.digest === 'string' && typeof candidate.mediaType === 'string';
}

async function exists(file: string): Promise<boolean> {
  try {
    await fs.access(file);
    return true;
  } catch {
    return false;
  }
}
