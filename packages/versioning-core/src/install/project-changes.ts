import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * What an install may change in an npm project, recorded before it starts, so that a failed
 * install leaves the project as it was: files get their old content back (or go away when
 * they did not exist), paths that did not exist are removed.
 */
export class ProjectChanges {
  private readonly files = new Map<string, Buffer | null>();
  private readonly absent: string[];

  /** `files` and `paths` are relative to `root`; paths are listed parents first. */
  constructor(
    private readonly root: string,
    files: string[],
    paths: string[],
  ) {
    for (const file of files) this.files.set(file, readIfPresent(path.join(root, file)));
    this.absent = paths.filter((p) => !fs.existsSync(path.join(root, p)));
  }

  undo(): void {
    for (const [file, content] of this.files) {
      const abs = path.join(this.root, file);
      if (content === null) fs.rmSync(abs, { force: true });
      else fs.writeFileSync(abs, content);
    }
    for (const p of this.absent) fs.rmSync(path.join(this.root, p), { recursive: true, force: true });
  }
}

function readIfPresent(file: string): Buffer | null {
  try {
    return fs.readFileSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}
