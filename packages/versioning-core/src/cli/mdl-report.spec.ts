import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openRepository, parseRegistryReference } from '../oci';
import { pushTinyArtifact } from '../test-support/tiny-artifact';
import { tsNodeArgs } from '../test-support/run-ts';

const MDL = path.join(__dirname, 'mdl.ts');
let work: string;
beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'mdl-report-'));
});
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

function mdl(args: string[]) {
  return spawnSync(process.execPath, tsNodeArgs(MDL, args), { cwd: work, env: { ...process.env, MODELOS_CACHE_DIR: path.join(work, 'cache') }, encoding: 'utf8' });
}

describe('mdl report', () => {
  it('writes the page of a repository under dist/modelos of the current directory, or under --out', async () => {
    const layout = path.join(work, 'registry');
    await pushTinyArtifact(openRepository(parseRegistryReference(layout, work), 'ham'), 'v1.0.0', { 'org.opencontainers.image.version': '1.0.0' });
    const plain = mdl(['report', path.join(layout, 'ham')]);
    expect(plain.stderr).toBe('');
    expect(plain.stdout).toBe(`wrote ${path.join(work, 'dist/modelos/ham/report.html')} (1 version, 0 environments)\nindex ${path.join(work, 'dist/modelos/index.html')}\n`);

    const json = mdl(['report', path.join(layout, 'ham'), '--out', 'pages', '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ resource: 'ham', file: path.join(work, 'pages/ham/report.html'), versions: 1 });
  });

  it('fails with one line for a registry reference it cannot use', () => {
    const result = mdl(['report', 'ftp://nowhere/ham']);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^mdl: unsupported registry reference "ftp:\/\/nowhere": [^\n]*\n$/);
  });
});
