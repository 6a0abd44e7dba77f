import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileSystemRefusal } from '@modelos/runtime/fs-refusal';
import type { ClosureFile } from './closure-files';
import type { BlobWritten } from '../oci';
import { writeFileAtomically } from '../file-io';

/**
 * Remembers the digest of a layer by the stat data of its files (like git's index), so that
 * re-storing unchanged content costs a stat per file and a HEAD, not a re-compression of a
 * 200 MiB model. ctime changes on every write, so an edit that keeps size and mtime still misses.
 */
export class LayerCache {
  constructor(private readonly dir: string) {}

  /** `kind` keeps a code layer of one file apart from that file as a model layer. */
  key(kind: 'code' | 'model', files: ClosureFile[]): string {
    const hash = createHash('sha256').update(`layer-v2\0${kind}\0`);
    for (const file of files) {
      hash.update(`${file.path}\0${file.size}\0${file.executable}\0${file.mtimeMs}\0${file.ctimeMs}\0`);
    }
    return hash.digest('hex');
  }

  get(key: string): BlobWritten | undefined {
    try {
      const entry = JSON.parse(fs.readFileSync(this.file(key), 'utf8')) as BlobWritten;
      return /^sha256:[0-9a-f]{64}$/.test(entry.digest) && Number.isInteger(entry.size) ? entry : undefined;
    } catch {
      return undefined;
    }
  }

  set(key: string, blob: BlobWritten): void {
    try {
      writeFileAtomically(this.file(key), JSON.stringify(blob));
    } catch (err) {
      throw fileSystemRefusal(err, 'write', 'layer cache directory', this.dir);
    }
  }

  private file(key: string): string {
    return path.join(this.dir, `${key}.json`);
  }
}
