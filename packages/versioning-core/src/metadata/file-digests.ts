import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { ClosureFile } from '../artifact/closure-files';
import { fileSystemRefusal } from '@modelos/runtime/fs-refusal';
import { writeFileAtomically } from '../file-io';

/** One file of a stored version, as its config records it (SPEC §10): enough to compare without layers. */
export interface FileRecord {
  /** Workspace-relative, posix: the path inside the project's layer. */
  path: string;
  size: number;
  /** Hex sha256 of the content. */
  sha256: string;
}

/** A record's sha256: 64 lowercase hex digits. */
export const SHA256_HEX = /^[0-9a-f]{64}$/;
/** 1 MiB reads hash twice as fast as the 64 KiB default (fewer calls into OpenSSL). */
export const READ_CHUNK_BYTES = 1024 * 1024;

interface CachedDigest {
  size: number;
  mtimeMs: number;
  ctimeMs: number;
  sha256: string;
}

/**
 * A file whose sha256 is not known yet: a model file missing from the cache, learnt while its
 * layer is sent (hashed and uploaded in one read) instead of read once more before. `settle`
 * fills the record; `remember` also keeps it in the cache (not for a digest taken on trust from
 * the registry).
 */
export interface PendingDigest {
  file: ClosureFile;
  record: FileRecord;
  settle(sha256: string, remember: boolean): void;
}

/**
 * sha256 of every file of a project, remembered by stat data (size, mtime, ctime) like
 * `LayerCache` and git's index: a re-store hashes only the files that changed, so a 200 MiB
 * model that did not change costs a stat. One cache file per project root.
 */
export class FileDigestCache {
  constructor(private readonly dir: string) {}

  async records(projectRoot: string, files: ClosureFile[]): Promise<FileRecord[]> {
    return (await this.recordsDeferring(projectRoot, files, () => false)).records;
  }

  /** Like `records`, but the uncached files `defer` picks are not read: their records wait in `pending`. */
  async recordsDeferring(projectRoot: string, files: ClosureFile[], defer: (file: ClosureFile) => boolean): Promise<{ records: FileRecord[]; pending: PendingDigest[] }> {
    const cacheFile = path.join(this.dir, `${createHash('sha256').update(projectRoot).digest('hex').slice(0, 32)}.json`);
    const known = readCache(cacheFile);
    const current: Record<string, CachedDigest> = {};
    const pending: PendingDigest[] = [];
    const records: FileRecord[] = [];
    let changed = Object.keys(known).length !== files.length;
    for (const file of files) {
      const hit = known[file.path];
      const fresh = hit && hit.size === file.size && hit.mtimeMs === file.mtimeMs && hit.ctimeMs === file.ctimeMs && SHA256_HEX.test(hit.sha256);
      const stat = { size: file.size, mtimeMs: file.mtimeMs, ctimeMs: file.ctimeMs };
      const record: FileRecord = { path: file.path, size: file.size, sha256: fresh ? hit.sha256 : '' };
      records.push(record);
      if (fresh) current[file.path] = hit;
      else if (defer(file)) {
        pending.push({
          file,
          record,
          settle: (sha256, remember) => {
            record.sha256 = sha256;
            if (!remember) return;
            current[file.path] = { ...stat, sha256 };
            this.write(cacheFile, current);
          },
        });
      } else current[file.path] = { ...stat, sha256: (record.sha256 = await sha256File(file.absPath)) };
      changed ||= !fresh;
    }
    if (changed) this.write(cacheFile, current);
    return { records, pending };
  }

  private write(cacheFile: string, entries: Record<string, CachedDigest>): void {
    try {
      writeFileAtomically(cacheFile, JSON.stringify(entries));
    } catch (err) {
      throw fileSystemRefusal(err, 'write', 'file digest cache directory', this.dir);
    }
  }
}

/** A missing or unreadable cache is an empty one: every file is hashed again. */
function readCache(cacheFile: string): Record<string, CachedDigest> {
  try {
    const parsed = JSON.parse(fs.readFileSync(cacheFile, 'utf8')) as unknown;
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, CachedDigest>) : {};
  } catch {
    return {};
  }
}

async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(fs.createReadStream(file, { highWaterMark: READ_CHUNK_BYTES }), hash);
  return hash.digest('hex');
}
