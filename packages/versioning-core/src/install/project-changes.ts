import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * What an install may change in an npm project, recorded before it starts, so that a failed
 * install leaves the project as it was: files get their old content back (or go away when
 * they did not exist), paths that did not exist are removed, and directories it replaces
 * (an installed package of another version) come back from where they were moved aside.
 */
export class ProjectChanges {
  private readonly files = new Map<string, Buffer | null>();
  private readonly absent: string[];
  private readonly aside = new Map<string, string>();

  /** `files`, `paths` and `replaced` are relative to `root`; paths are listed parents first. */
  constructor(
    private readonly root: string,
    files: string[],
    paths: string[],
    replaced: string[] = [],
  ) {
    for (const file of files) this.files.set(file, readIfPresent(path.join(root, file)));
    this.absent = paths.filter((p) => !fs.existsSync(path.join(root, p)));
    for (const dir of replaced) {
      const abs = path.join(root, dir);
      if (!fs.existsSync(abs)) continue;
      const moved = `${abs}.modelos-aside-${process.pid}`;
      fs.renameSync(abs, moved);
      this.aside.set(abs, moved);
    }
  }

  undo(): void {
    for (const [file, content] of this.files) {
      const abs = path.join(this.root, file);
      if (content === null) fs.rmSync(abs, { force: true });
      else fs.writeFileSync(abs, content);
    }
    for (const [abs, moved] of this.aside) {
      fs.rmSync(abs, { recursive: true, force: true });
      fs.renameSync(moved, abs);
    }
    for (const p of this.absent) fs.rmSync(path.join(this.root, p), { recursive: true, force: true });
  }

  /** The change went through: what was moved aside goes. */
  done(): void {
    for (const moved of this.aside.values()) fs.rmSync(moved, { recursive: true, force: true });
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
