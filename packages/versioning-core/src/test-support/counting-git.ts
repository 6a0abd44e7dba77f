import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface CountingGit {
  /** The git command lines run since the shim was put in place, one per process. */
  calls(): string[];
  restore(): void;
}

/** A real `git` earlier on PATH that logs its arguments, then runs the real one: how many git processes a call costs. */
export function countingGit(): CountingGit {
  const realGit = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
  const shimDir = fs.mkdtempSync(path.join(os.tmpdir(), 'modelos-git-shim-'));
  const log = path.join(shimDir, 'calls.log');
  fs.writeFileSync(path.join(shimDir, 'git'), `#!/bin/sh\necho "$*" >> '${log}'\nexec '${realGit}' "$@"\n`, { mode: 0o755 });
  const savedPath = process.env.PATH;
  process.env.PATH = `${shimDir}${path.delimiter}${savedPath}`;
  return {
    calls: () => (fs.existsSync(log) ? fs.readFileSync(log, 'utf8').trim().split('\n') : []),
    restore: () => {
      process.env.PATH = savedPath;
      fs.rmSync(shimDir, { recursive: true, force: true });
    },
  };
}
