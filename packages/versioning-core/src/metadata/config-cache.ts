import * as path from 'node:path';
import { fileSystemRefusal } from '@modelos/runtime/fs-refusal';
import { digestOf, type Repository } from '../oci';
import { defaultIndexDir } from '../ocidex';
import { readIfPresent, writeFileAtomically } from '../file-io';

/** Beside the Ocidex files: configs are immutable by digest, so one copy serves every repository and clone. */
export function defaultConfigDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(path.dirname(defaultIndexDir(env)), 'configs');
}

/**
 * A config blob by digest, from the local cache when a copy there still hashes to it, else from
 * the registry (which verifies it) and then kept. `versions --metrics` over thousands of tags
 * then reads each config once per machine, not once per call.
 */
export async function fetchConfig(repo: Repository, digest: string, dir = defaultConfigDir()): Promise<Buffer> {
  const file = path.join(dir, digest.replace(':', '-'));
  const cached = readIfPresent(file);
  if (cached && digestOf(cached) === digest) return cached;
  const bytes = await repo.fetchBlob(digest);
  try {
    writeFileAtomically(file, bytes);
  } catch (err) {
    throw fileSystemRefusal(err, 'write', 'config cache directory', dir);
  }
  return bytes;
}
