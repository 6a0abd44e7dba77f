import { digestFile, digestHex } from '../oci';
import type { ClosureFile } from '../artifact/closure-files';
import type { PackFile } from './pack-document';

/**
 * Path, size and sha256 of each file, read from the checkout. `digest`, when given, is the
 * file's own sha256 already known (a model layer's digest), so a 200 MiB model is read once.
 */
export async function packFiles(files: ClosureFile[], digest?: string): Promise<PackFile[]> {
  const listed: PackFile[] = [];
  for (const file of files) {
    const sha256 = digest ? digestHex(digest) : digestHex((await digestFile(file.absPath)).digest);
    listed.push({ path: file.path, size: file.size, sha256, executable: file.executable });
  }
  return listed;
}
