import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** A throwaway directory of real source files for interface tests. */
export class TestWorkspace {
  readonly root = fs.mkdtempSync(path.join(os.tmpdir(), 'modelos-interface-'));

  constructor(files: Record<string, string> = {}) {
    for (const [file, text] of Object.entries(files)) this.write(file, text);
  }

  path(file: string): string {
    return path.join(this.root, file);
  }

  write(file: string, text: string): void {
    fs.mkdirSync(path.dirname(this.path(file)), { recursive: true });
    fs.writeFileSync(this.path(file), text);
  }

  read(file: string): string {
    return fs.readFileSync(this.path(file), 'utf8');
  }

  /** Rewrites a file; fails loudly when the edit does not apply, so no test passes by accident. */
  edit(file: string, change: (text: string) => string): void {
    const before = this.read(file);
    const after = change(before);
    if (after === before) throw new Error(`edit of ${file} changed nothing`);
    this.write(file, after);
  }

  remove(): void {
    fs.rmSync(this.root, { recursive: true, force: true });
  }
}
