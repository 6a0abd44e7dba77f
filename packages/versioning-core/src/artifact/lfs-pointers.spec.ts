import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { UserError } from '../errors';
import { gitFacts } from '../git';
import { openRepository, parseRegistryReference, type RegistryReference } from '../oci';
import { releaseResource } from '../release/release';
import { storeResource } from '../store';
import { countingGit } from '../test-support/counting-git';
import { GitWorkspace } from '../test-support/git-workspace';
import { listClosureFiles } from './closure-files';
import { isLfsPointer } from './lfs-pointers';

const host = process.env.MODELOS_TEST_REGISTRY!;
const ham = { name: 'ham', root: 'ham' };
const MODEL = 'ham/model/weights.bin';
const POINTER_TEXT = `version https://git-lfs.github.com/spec/v1\noid sha256:${'a'.repeat(64)}\nsize 5000\n`;

let author: GitWorkspace;
let dir: string;
let registry: RegistryReference;

/** `git -C <cwd> …` with no smudge: what a CI checkout without `git lfs pull` leaves. */
function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, GIT_LFS_SKIP_SMUDGE: '1' } }).trim();
}

/** A clone of the bare remote with LFS files left as pointers. */
function pointerClone(name: string): string {
  const clone = path.join(dir, name);
  git(dir, 'clone', '-q', path.join(dir, 'remote.git'), clone);
  git(clone, 'config', 'user.email', 'ci@example.com');
  git(clone, 'config', 'user.name', 'CI');
  return clone;
}

function store(workspaceRoot: string) {
  return storeResource({ workspaceRoot, resource: ham, closure: [ham], registry });
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'modelos-lfs-'));
  // git-lfs transfers to a local bare repository with its built-in standalone file agent: no server.
  git(dir, 'init', '-q', '--bare', '-b', 'main', 'remote.git');
  author = new GitWorkspace();
  author.git('lfs', 'install', '--local');
  author.git('lfs', 'track', '*.bin');
  author.addResource('ham', 'Ham').write(MODEL, randomBytes(5000)).commit('ham with an LFS model');
  author.git('remote', 'add', 'origin', path.join(dir, 'remote.git'));
  author.git('push', '-q', 'origin', 'main');
  const namespace = `lfs-${path.basename(dir).toLowerCase().replace(/[^a-z0-9]/g, '')}`;
  registry = parseRegistryReference(`oci://${host}/${namespace}`, author.root);
});

afterAll(() => {
  author.remove();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('Git LFS pointers in a closure', () => {
  it('stops store and release with one line naming the pointer and git lfs pull, and pushes nothing', async () => {
    const clone = pointerClone('pointers');
    expect(isLfsPointer(fs.readFileSync(path.join(clone, MODEL)))).toBe(true);
    const refusal = `Git LFS pointer instead of content in the closure: ${MODEL}; run \`git lfs pull\``;
    await expect(store(clone)).rejects.toThrow(UserError);
    await expect(store(clone)).rejects.toThrow(refusal);
    await expect(releaseResource({ workspaceRoot: clone, resource: ham, closure: [ham], registry, mainBranch: 'main' })).rejects.toThrow(refusal);
    expect(await openRepository(registry, 'ham').listTags()).toEqual([]);
    expect(git(clone, 'for-each-ref', 'refs/modelos')).toBe('');
  });

  it('stores LFS files by their content once pulled: same layers as the author checkout, clean like git says', async () => {
    const clone = pointerClone('pulled');
    git(clone, 'lfs', 'install', '--local');
    git(clone, 'lfs', 'pull');
    expect(fs.readFileSync(path.join(clone, MODEL))).toEqual(fs.readFileSync(path.join(author.root, MODEL)));
    // git runs the clean filter on the smudged file and sees the committed pointer: clean.
    expect(git(clone, 'status', '--porcelain')).toBe('');

    const pulled = await store(clone);
    const authored = await store(author.root);
    expect(pulled.dirtyHash).toBeNull();
    expect(pulled.tags).toEqual(authored.tags);
    expect(pulled.digest).toBe(authored.digest);
    const fetched = await openRepository(registry, 'ham').fetchManifest(pulled.digest);
    const manifest = JSON.parse(fetched!.bytes.toString('utf8')) as { layers: { size: number }[] };
    // 5000 random bytes do not compress: the layer holds the model, not a 129-byte pointer.
    expect(manifest.layers[0].size).toBeGreaterThan(5000);
  });

  it('counts a changed LFS file as dirty exactly when git status does', async () => {
    const clone = pointerClone('dirty');
    git(clone, 'lfs', 'install', '--local');
    git(clone, 'lfs', 'pull');
    const closures = [{ name: 'ham', paths: ['ham'] }];
    expect((await gitFacts(clone, closures)).get('ham')!.dirtyHash).toBeNull();

    fs.appendFileSync(path.join(clone, MODEL), 'retrained');
    expect(git(clone, 'status', '--porcelain')).toBe(`M ${MODEL}`);
    const dirty = (await gitFacts(clone, closures)).get('ham')!;
    expect(dirty.dirtyFiles).toEqual([MODEL]);
    expect(dirty.dirtyHash).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('which files count as pointers', () => {
  it('needs both signs: LFS tracks the path and the content is a pointer', async () => {
    const ws = new GitWorkspace();
    try {
      // Pointer-shaped text nobody tracks with LFS (a fixture, a doc) is an ordinary file.
      ws.write('ham/fixtures/pointer.txt', POINTER_TEXT).write('ham/model/real.bin', randomBytes(100)).write('.gitattributes', '*.bin filter=lfs\n');
      const files = await listClosureFiles(ws.root, ['ham']);
      expect(files.get('ham')!.map((file) => file.path)).toEqual(['ham/fixtures/pointer.txt', 'ham/model/real.bin']);
      ws.write('.gitattributes', '*.bin filter=lfs\n*.txt filter=lfs\n');
      await expect(listClosureFiles(ws.root, ['ham'])).rejects.toThrow(
        'Git LFS pointer instead of content in the closure: ham/fixtures/pointer.txt; run `git lfs pull`',
      );
    } finally {
      ws.remove();
    }
  });

  it('asks git about attributes only when a small file looks like a pointer, or when there are many small files', async () => {
    const ws = new GitWorkspace();
    const shim = countingGit();
    try {
      ws.write('.gitattributes', '*.bin filter=lfs\n');
      for (let i = 0; i < 64; i++) ws.write(`ham/src/f${i}.ts`, `export const f${i} = ${i};\n`);
      await listClosureFiles(ws.root, ['ham']);
      expect(shim.calls().filter((call) => call.includes('check-attr'))).toHaveLength(0);
      ws.write('ham/model/m.bin', POINTER_TEXT);
      await expect(listClosureFiles(ws.root, ['ham'])).rejects.toThrow('Git LFS pointer instead of content in the closure: ham/model/m.bin');
      expect(shim.calls().filter((call) => call.includes('check-attr'))).toHaveLength(1);
      // 66 small files: one git process for all of them is cheaper than reading each; the pointer is still found.
      ws.write('ham/src/f64.ts', 'export {};\n');
      await expect(listClosureFiles(ws.root, ['ham'])).rejects.toThrow('ham/model/m.bin');
      expect(shim.calls().filter((call) => call.includes('check-attr'))).toHaveLength(2);
    } finally {
      shim.restore();
      ws.remove();
    }
  });

  it('knows a pointer by its version line and oid, and nothing else', () => {
    expect(isLfsPointer(Buffer.from(POINTER_TEXT))).toBe(true);
    expect(isLfsPointer(Buffer.from(POINTER_TEXT.replace('oid sha256:', 'oid md5:')))).toBe(false);
    expect(isLfsPointer(Buffer.from(`# docs\n${POINTER_TEXT}`))).toBe(false);
    expect(isLfsPointer(Buffer.concat([Buffer.from(POINTER_TEXT), Buffer.alloc(1024)]))).toBe(false);
  });
});
