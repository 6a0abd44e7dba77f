import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { parseRegistryReference } from '../oci';
import { storeResource } from '../store';
import { GitWorkspace } from '../test-support/git-workspace';
import { tsNodeArgs } from '../test-support/run-ts';

jest.setTimeout(60_000);
const host = process.env.MODELOS_TEST_REGISTRY!;
const MDL = path.join(__dirname, 'mdl.ts');
const closure = [{ name: 'ham', root: 'ham' }];

let ws: GitWorkspace;
let repoArg: string;
let tags: string[];

function mdl(args: string[]) {
  const child = spawnSync(process.execPath, tsNodeArgs(MDL, args), { cwd: ws.root, encoding: 'utf8' });
  return { status: child.status, stdout: child.stdout, stderr: child.stderr };
}

beforeAll(async () => {
  ws = new GitWorkspace();
  ws.addResource('ham', 'Ham');
  ws.write('ham/resource.json', JSON.stringify({ formatVersion: '1', entry: 'src/ham.ts', class: 'Ham', requires: {}, metricsFile: 'metrics.json' }));
  const registryArg = `oci://${host}/mdl-${path.basename(ws.root).toLowerCase().replace(/[^a-z0-9]/g, '')}`;
  const registry = parseRegistryReference(registryArg, ws.root);
  repoArg = `${registryArg}/ham`;
  tags = [];
  for (const accuracy of [0.89, 0.92]) {
    ws.write('ham/metrics.json', JSON.stringify({ accuracy }));
    ws.commit(`accuracy ${accuracy}`);
    tags.push(...(await storeResource({ workspaceRoot: ws.root, resource: closure[0], closure, registry })).tags);
  }
});
afterAll(() => ws.remove());

describe('mdl describe, compare and versions --metrics', () => {
  it('describes a version as a table and as one JSON document', () => {
    const table = mdl(['describe', `${repoArg}:${tags[1]}`]);
    expect(table).toMatchObject({ status: 0, stderr: '' });
    expect(table.stdout).toMatch(/\nauthor\s+Test <test@example\.com>\n/);
    expect(table.stdout).toMatch(/\naccuracy\s+0\.92\n/);
    const json = mdl(['describe', `${repoArg}:${tags[1]}`, '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ tag: tags[1], metrics: { accuracy: 0.92 }, status: { kind: 'adhoc' } });
  });

  it('compares two tags', () => {
    const result = mdl(['compare', repoArg, '--from', tags[0], '--to', tags[1]]);
    expect(result).toMatchObject({ status: 0, stderr: '' });
    expect(result.stdout).toMatch(/\naccuracy\s+0\.89 → 0\.92, \+0\.03 \(\+3\.4%\)\n/);
  });

  it('adds metric columns to versions', () => {
    const result = mdl(['versions', repoArg, '--metrics']);
    expect(result.stdout.split('\n')[0]).toMatch(/COMPATIBLE\s+ACCURACY$/);
    // No workspace, no current interface: compatibility is unknown, not "no".
    const rows = JSON.parse(mdl(['versions', repoArg, '--json']).stdout) as Array<{ tag: string; compatible: boolean | null }>;
    expect(rows.map((row) => row.compatible)).toEqual(tags.map(() => null));
    expect(result.stdout.split('\n')[1]).toMatch(/^\S+\s+adhoc\s+\S+\s+\S+\s+\S+\s+-\s/);
  });

  it('says a repository that holds nothing is one, or a typo, with a non-zero exit', () => {
    for (const command of ['versions', 'releases']) {
      const typo = mdl([command, `${repoArg.replace(/\/ham$/, '/hma')}`]);
      expect(typo).toMatchObject({ status: 1, stdout: '' });
      expect(typo.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^mdl: .*\/hma holds no tags: nothing was stored there, or the reference has a typo/)]);
    }
    // Tags but no releases: an empty release list, not an error.
    expect(mdl(['releases', repoArg])).toMatchObject({ status: 0, stderr: '' });
  });

  it('fails with one line on bad input', () => {
    expect(mdl(['describe', repoArg])).toMatchObject({ status: 1, stdout: '', stderr: expect.stringMatching(/^mdl: ".*\/ham" names no tag: expected <repo>:<tag>/) });
    expect(mdl(['compare', repoArg, '--from', tags[0]])).toMatchObject({ status: 1, stderr: expect.stringMatching(/^mdl: compare needs --to <tag>: comparing with the working tree needs the Nx project graph/) });
    const missing = mdl(['describe', `${repoArg}:v9.9.9`]);
    expect(missing.status).toBe(1);
    expect(missing.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^mdl: .*\/ham has no tag "v9\.9\.9" \(no releases yet;/)]);
  });
});
