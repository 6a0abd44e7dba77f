import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '../../..');

describe('docs/reference', () => {
  it('is rendered from the current executors.json, generators.json and schema.json files', () => {
    // Fails with the command to run when a schema changed and the reference was not rendered again.
    expect(() => execFileSync('node', [join(ROOT, 'tools/docs-reference.js'), '--check'], { stdio: 'pipe' })).not.toThrow();
  });
});
