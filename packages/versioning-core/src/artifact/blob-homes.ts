import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileSystemRefusal } from '@modelos/runtime/fs-refusal';
import { writeFileAtomically } from '../file-io';

/**
 * Which repositories of a registry this workspace has pushed a blob to, so that another
 * resource carrying the same model mounts it (`POST uploads/?mount=&from=`) instead of sending
 * it again. A hint only: a mount the registry declines falls back to an upload.
 */
export class BlobHomes {
  constructor(private readonly dir: string) {}

  of(registryKey: string, digest: string): string[] {
    try {
      const names = JSON.parse(fs.readFileSync(this.file(registryKey, digest), 'utf8')) as unknown;
      return Array.isArray(names) ? names.filter((name): name is string => typeof name === 'string') : [];
    } catch {
      return [];
    }
  }

  add(registryKey: string, digest: string, repositoryName: string): void {
    const names = this.of(registryKey, digest);
    if (names.includes(repositoryName)) return;
    try {
      writeFileAtomically(this.file(registryKey, digest), JSON.stringify([...names, repositoryName].sort()));
    } catch (err) {
      throw fileSystemRefusal(err, 'write', 'blob homes directory', this.dir);
    }
  }

  private file(registryKey: string, digest: string): string {
    return path.join(this.dir, `${createHash('sha256').update(`${registryKey}\0${digest}`).digest('hex')}.json`);
  }
}
