import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { npmToken, startVerdaccio, type LocalNpmRegistry } from '../../../../e2e/utils/verdaccio';
import { UserError } from '../errors';
import { openRepository, parseRegistryReference, type RegistryReference } from '../oci';
import type { GitWorkspace } from '../test-support/git-workspace';
import { hamWorkspace } from '../test-support/ham-workspace';
import { failure } from '../test-support/failure';
import { releaseResource, type ReleaseInput } from './release';

jest.setTimeout(180_000);
const host = process.env.MODELOS_TEST_REGISTRY!;

let tmp: string;
let verdaccio: LocalNpmRegistry;
let token: string;
let fixture: ReturnType<typeof hamWorkspace>;
let ws: GitWorkspace;
let registry: RegistryReference;

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'npm-publish-'));
  verdaccio = await startVerdaccio(path.join(tmp, 'verdaccio'), { scopes: ['ml-project'], user: 'alice', password: 'alice-secret' });
  token = await npmToken(verdaccio.url, 'alice', 'alice-secret');
  fixture = hamWorkspace();
  ws = fixture.ws;
  registry = parseRegistryReference(`oci://${host}/npm-publish-${process.pid}-${Date.now().toString(36)}`, ws.root);
  process.env.MODELOS_CACHE_DIR = path.join(tmp, 'cache');
});

afterAll(async () => {
  await verdaccio?.stop();
  ws?.remove();
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** The workspace's own .npmrc, as a user keeps it: where the scope publishes, and the credentials for it. */
function writeNpmrc(withToken: boolean): void {
  const lines = [`@ml-project:registry=${verdaccio.url}`, ...(withToken ? [`//${new URL(verdaccio.url).host}/:_authToken=${token}`] : [])];
  fs.writeFileSync(path.join(ws.root, '.npmrc'), `${lines.join('\n')}\n`);
}

const release = (extra: Partial<ReleaseInput> = {}) =>
  releaseResource({ workspaceRoot: ws.root, resource: fixture.resource, closure: fixture.closure, registry, mainBranch: 'main', publish: true, ...extra });

/** `npm view` against Verdaccio, from a directory with no .npmrc of ours. */
function view(spec: string, field: string): any {
  const out = execFileSync('npm', ['view', spec, field, '--json', '--registry', verdaccio.url], { cwd: tmp, encoding: 'utf8' }).trim();
  return out ? JSON.parse(out) : undefined;
}

function editGlaze(glaze: string): void {
  ws.write('ham/src/glaze.ts', `export const GLAZE = '${glaze}';\n`);
  ws.commit(`glaze: ${glaze}`);
}

describe('release --publish (SPEC §11)', () => {
  it('refuses to publish without credentials, after the OCI release; the re-run with them completes it', async () => {
    writeNpmrc(false);
    const error = await failure(release());
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toMatch(/^publishing @ml-project\/ham@1\.0\.0 failed: npm publish exited with code \d+: .*(ENEEDAUTH|E401|login)/);
    expect(await openRepository(registry, 'ham').resolve('v1.0.0')).not.toBeNull();

    writeNpmrc(true);
    const rerun = await release();
    expect(rerun).toMatchObject({ released: false, reason: 'ham is unchanged since v1.0.0; completed its release: npm @ml-project/ham@1.0.0, npm @ml-project/ham-client@1.0.0' });
    expect(rerun.npm).toEqual([
      { package: '@ml-project/ham@1.0.0', published: true, distTag: 'latest' },
      { package: '@ml-project/ham-client@1.0.0', published: true, distTag: 'latest' },
    ]);
  });

  it('publishes the very bytes of the OCI package artifacts, and a re-run is a no-op', async () => {
    const repo = openRepository(registry, 'ham');
    for (const [name, tag] of [['@ml-project/ham', 'pkg-v1.0.0'], ['@ml-project/ham-client', 'client-v1.0.0']]) {
      const manifest = JSON.parse((await repo.fetchManifest(tag))!.bytes.toString());
      const tarball = await repo.fetchBlob(manifest.layers[0].digest);
      expect(view(`${name}@1.0.0`, 'dist.integrity')).toBe(`sha512-${createHash('sha512').update(tarball).digest('base64')}`);
    }
    expect(view('@ml-project/ham-client', 'bundleDependencies')).toEqual(['@modelos/runtime']);
    expect((await release()).npm.map((p) => p.published)).toEqual([false, false]);
  });

  it('tags prereleases next and moves latest to the newest stable only', async () => {
    editGlaze('maple');
    expect((await release({ preid: 'rc' })).npm).toEqual([
      { package: '@ml-project/ham@1.1.0-rc.1', published: true, distTag: 'next' },
      { package: '@ml-project/ham-client@1.1.0-rc.1', published: true, distTag: 'next' },
    ]);
    expect(view('@ml-project/ham-client', 'dist-tags')).toEqual({ latest: '1.0.0', next: '1.1.0-rc.1' });
    expect((await release()).npm.map((p) => `${p.package} ${p.distTag}`)).toEqual(['@ml-project/ham@1.1.0 latest', '@ml-project/ham-client@1.1.0 latest']);
    expect(view('@ml-project/ham-client', 'dist-tags')).toEqual({ latest: '1.1.0', next: '1.1.0-rc.1' });
  });

  it('refuses a version npm already holds with other bytes, naming it', async () => {
    // Someone published @ml-project/ham@1.2.0 by hand.
    const other = path.join(tmp, 'other');
    fs.mkdirSync(other);
    fs.writeFileSync(path.join(other, 'package.json'), JSON.stringify({ name: '@ml-project/ham', version: '1.2.0' }));
    fs.copyFileSync(path.join(ws.root, '.npmrc'), path.join(other, '.npmrc'));
    execFileSync('npm', ['publish', '--tag', 'manual'], { cwd: other, stdio: 'pipe' });

    editGlaze('apricot');
    const error = await failure(release());
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toMatch(/^@ml-project\/ham@1\.2\.0 is already on the npm registry with other content \(integrity sha512-.{12}…, this release's sha512-.{12}…\): npm versions are immutable; release a new version$/);
    expect(view('@ml-project/ham-client', 'versions')).not.toContain('1.2.0');
  });
});
