import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { UserError } from '../errors';
import { batchedGitFacts, currentBranch, gitFacts, perCallGitFacts, type ClosureFacts } from './index';
import { locateCheckout, locateWorkspace, originUrl } from './repo';
import { onNulRecords } from './run';
import { countingGit } from '../test-support/counting-git';

const made: string[] = [];
afterAll(() => made.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'modelos-git-'));
  made.push(dir);
  return dir;
}

function git(dir: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd: dir, encoding: 'utf8' }).trim();
}

const TEST_AUTHOR = { name: 'Test', email: 'test@example.com' };

/** A repository with its own identity, so tests never depend on the machine's git config. */
function initRepo(dir = tempDir()): string {
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'config', 'user.name', 'Test');
  git(dir, 'config', 'user.email', 'test@example.com');
  git(dir, 'config', 'commit.gpgsign', 'false');
  return dir;
}

function write(dir: string, file: string, content: string): void {
  fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
  fs.writeFileSync(path.join(dir, file), content);
}

function commit(dir: string, message: string, files: Record<string, string> = {}): string {
  for (const [file, content] of Object.entries(files)) write(dir, file, content);
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '--allow-empty', '-m', message);
  return git(dir, 'rev-parse', 'HEAD');
}

async function factsOf(dir: string, name: string, paths: string[]): Promise<ClosureFacts> {
  return (await gitFacts(dir, [{ name, paths }])).get(name)!;
}

describe('gitFacts: closure commit', () => {
  it('is the newest commit touching the closure; unrelated commits leave it, dependency commits move it', async () => {
    const repo = initRepo();
    const first = commit(repo, 'init', { 'libs/ham/a.ts': '1', 'libs/oven/o.ts': '1', 'libs/spam/s.ts': '1' });
    const ovenChange = commit(repo, 'oven', { 'libs/oven/o.ts': '2' });
    commit(repo, 'spam only', { 'libs/spam/s.ts': '2' });
    commit(repo, 'root file', { 'README.md': 'x' });

    const facts = await gitFacts(repo, [
      { name: 'ham', paths: ['libs/ham', 'libs/oven'] },
      { name: 'oven', paths: ['libs/oven'] },
      { name: 'lonely', paths: ['libs/ham'] },
    ]);
    expect(facts.get('ham')).toEqual({ closureCommit: ovenChange, closureAuthor: TEST_AUTHOR, dirtyHash: null, dirtyFiles: [], head: git(repo, 'rev-parse', 'HEAD') });
    expect(facts.get('oven')!.closureCommit).toBe(ovenChange);
    expect(facts.get('lonely')!.closureCommit).toBe(first);
  });

  it('reads the author of the closure commit in the same log: the author of that commit, not of HEAD', async () => {
    const repo = initRepo();
    write(repo, 'ham/a.ts', '1');
    git(repo, 'add', '-A');
    git(repo, '-c', 'user.name=Alice Ham', '-c', 'user.email=alice@example.com', 'commit', '-q', '-m', 'ham');
    commit(repo, 'other', { 'other/o.ts': '1' });
    expect((await factsOf(repo, 'ham', ['ham'])).closureAuthor).toEqual({ name: 'Alice Ham', email: 'alice@example.com' });
  });

  it('keeps project ham apart from hamster (directory boundaries, not string prefixes)', async () => {
    const repo = initRepo();
    const hamCommit = commit(repo, 'init', { 'ham/a.ts': '1', 'hamster/b.ts': '1', 'ham.json': '{}' });
    commit(repo, 'hamster', { 'hamster/b.ts': '2', 'ham.json': '{"x":1}' });
    write(repo, 'hamster/new.ts', 'dirty');
    write(repo, 'hamster/b.ts', 'dirty');

    const facts = await gitFacts(repo, [
      { name: 'ham', paths: ['ham'] },
      { name: 'hamster', paths: ['hamster'] },
    ]);
    expect(facts.get('ham')).toEqual({ closureCommit: hamCommit, closureAuthor: TEST_AUTHOR, dirtyHash: null, dirtyFiles: [], head: git(repo, 'rev-parse', 'HEAD') });
    expect(facts.get('hamster')!.dirtyFiles).toEqual(['hamster/b.ts', 'hamster/new.ts']);
  });

  it('treats pathspec magic and glob characters in paths literally', async () => {
    const repo = initRepo();
    const oddCommit = commit(repo, 'init', { ':odd/x.ts': '1', 'a*/x.ts': '1' });
    commit(repo, 'look-alikes', { 'odd/x.ts': '2', 'ab/x.ts': '2' });
    const facts = await gitFacts(repo, [
      { name: 'odd', paths: [':odd'] },
      { name: 'star', paths: ['a*'] },
    ]);
    expect(facts.get('odd')!.closureCommit).toBe(oddCommit);
    expect(facts.get('star')!.closureCommit).toBe(oddCommit);
  });

  it('counts a rename for both the closure it left and the one it entered', async () => {
    const repo = initRepo();
    commit(repo, 'init', { 'ham/moved.ts': 'same content', 'spam/s.ts': '1' });
    git(repo, 'mv', 'ham/moved.ts', 'spam/moved.ts');
    const rename = commit(repo, 'move');
    const facts = await gitFacts(repo, [
      { name: 'ham', paths: ['ham'] },
      { name: 'spam', paths: ['spam'] },
    ]);
    expect(facts.get('ham')!.closureCommit).toBe(rename);
    expect(facts.get('spam')!.closureCommit).toBe(rename);
  });

  it('answers with a commit whose closure files equal HEAD’s, across merges', async () => {
    const repo = initRepo();
    const base = commit(repo, 'init', { 'ham/a.ts': '1', 'spam/s.ts': '1' });
    git(repo, 'checkout', '-q', '-b', 'discarded');
    commit(repo, 'ham change the merge throws away', { 'ham/a.ts': 'never merged' });
    git(repo, 'checkout', '-q', 'main');
    commit(repo, 'spam on main', { 'spam/s.ts': '2' });
    git(repo, 'merge', '-q', '-s', 'ours', '-m', 'merge keeping main', 'discarded');
    git(repo, 'checkout', '-q', '-b', 'taken');
    commit(repo, 'ham change the merge takes', { 'ham/a.ts': '2' });
    git(repo, 'checkout', '-q', 'main');
    commit(repo, 'spam again', { 'spam/s.ts': '3' });

    expect((await factsOf(repo, 'ham', ['ham'])).closureCommit).toBe(base);

    git(repo, 'merge', '-q', '--no-ff', '-m', 'merge taking ham', 'taken');
    const merge = git(repo, 'rev-parse', 'HEAD');
    const { closureCommit } = await factsOf(repo, 'ham', ['ham']);
    expect(closureCommit).toBe(merge);
    expect(git(repo, 'diff', '--name-only', closureCommit, 'HEAD', '--', 'ham')).toBe('');
  });

  it('sees the root commit whatever the user’s log.showRoot says', async () => {
    const repo = initRepo();
    git(repo, 'config', 'log.showRoot', 'false');
    const root = commit(repo, 'init', { 'ham/a.ts': '1' });
    commit(repo, 'other', { 'other/o.ts': '1' });
    expect((await factsOf(repo, 'ham', ['ham'])).closureCommit).toBe(root);
  });

  it('falls back to HEAD for a closure no commit ever touched', async () => {
    const repo = initRepo();
    const head = commit(repo, 'init', { 'other/o.ts': '1' });
    write(repo, 'fresh/f.ts', 'new');
    expect(await factsOf(repo, 'fresh', ['fresh'])).toEqual({
      closureCommit: head,
      closureAuthor: null,
      dirtyHash: expect.stringMatching(/^[0-9a-f]{64}$/),
      dirtyFiles: ['fresh/f.ts'],
      head,
    });
    expect((await factsOf(repo, 'empty', [])).closureCommit).toBe(head);
  });

  it('accepts ./-prefixed and trailing-slash roots, and "." for a project at the workspace root', async () => {
    const repo = initRepo();
    commit(repo, 'init', { 'ham/a.ts': '1' });
    const last = commit(repo, 'root', { 'package.json': '{}' });
    const facts = await gitFacts(repo, [
      { name: 'ham', paths: ['./ham/'] },
      { name: 'root', paths: ['.'] },
    ]);
    expect(facts.get('ham')!.closureCommit).not.toBe(last);
    expect(facts.get('root')!.closureCommit).toBe(last);
  });
});

describe('gitFacts: dirty hash', () => {
  let repo: string;
  const ham = () => factsOf(repo, 'ham', ['ham']);

  beforeEach(() => {
    repo = initRepo();
    write(repo, '.gitignore', 'ham/dist/\n*.log\n');
    commit(repo, 'init', { 'ham/a.ts': 'a', 'ham/b.ts': 'b', 'spam/s.ts': 's' });
  });

  it('is null for a clean closure, and ignored files never count', async () => {
    write(repo, 'ham/dist/out.js', 'built');
    write(repo, 'ham/debug.log', 'noise');
    write(repo, 'spam/s.ts', 'changed outside');
    expect(await ham()).toMatchObject({ dirtyHash: null, dirtyFiles: [] });
  });

  it('covers modified, untracked and deleted files, each state its own hash', async () => {
    write(repo, 'ham/a.ts', 'a2');
    const modified = await ham();
    expect(modified.dirtyFiles).toEqual(['ham/a.ts']);
    expect(modified.dirtyHash).toMatch(/^[0-9a-f]{64}$/);

    write(repo, 'ham/new/deep.ts', 'n');
    const untracked = await ham();
    expect(untracked.dirtyFiles).toEqual(['ham/a.ts', 'ham/new/deep.ts']);

    fs.rmSync(path.join(repo, 'ham/b.ts'));
    const deleted = await ham();
    expect(deleted.dirtyFiles).toEqual(['ham/a.ts', 'ham/b.ts', 'ham/new/deep.ts']);

    expect(new Set([modified.dirtyHash, untracked.dirtyHash, deleted.dirtyHash]).size).toBe(3);
  });

  it('gives the same content the same hash (staged or not) and other content another', async () => {
    write(repo, 'ham/a.ts', 'a2');
    const first = (await ham()).dirtyHash;
    git(repo, 'add', 'ham/a.ts');
    expect((await ham()).dirtyHash).toBe(first);
    git(repo, 'reset', '-q');
    git(repo, 'checkout', '--', 'ham/a.ts');
    expect((await ham()).dirtyHash).toBeNull();
    write(repo, 'ham/a.ts', 'a2');
    expect((await ham()).dirtyHash).toBe(first);
    write(repo, 'ham/a.ts', 'a3');
    expect((await ham()).dirtyHash).not.toBe(first);
  });

  it('sees a mode change and an uncommitted rename on both sides', async () => {
    write(repo, 'ham/a.ts', 'a2');
    const plain = await ham();
    fs.chmodSync(path.join(repo, 'ham/a.ts'), 0o755);
    const executable = await ham();
    expect(executable.dirtyFiles).toEqual(['ham/a.ts']);
    expect(executable.dirtyHash).not.toBe(plain.dirtyHash);
    git(repo, 'checkout', '--', 'ham/a.ts');
    fs.chmodSync(path.join(repo, 'ham/a.ts'), 0o644);

    git(repo, 'mv', 'ham/b.ts', 'spam/b.ts');
    const facts = await gitFacts(repo, [
      { name: 'ham', paths: ['ham'] },
      { name: 'spam', paths: ['spam'] },
    ]);
    expect(facts.get('ham')!.dirtyFiles).toEqual(['ham/b.ts']);
    expect(facts.get('spam')!.dirtyFiles).toEqual(['spam/b.ts']);
  });

  it('reads non-ASCII and space-holding file names intact', async () => {
    write(repo, 'ham/jambon fumé.ts', 'x');
    expect((await ham()).dirtyFiles).toEqual(['ham/jambon fumé.ts']);
  });
});

describe('gitFacts: workspace inside a larger repository', () => {
  it('takes paths relative to the workspace and ignores same-named directories outside it', async () => {
    const repo = initRepo();
    const workspace = path.join(repo, 'apps', 'ws');
    const inside = commit(repo, 'init', { 'apps/ws/ham/a.ts': '1', 'ham/a.ts': 'outside' });
    commit(repo, 'outside only', { 'ham/a.ts': 'outside 2' });
    write(repo, 'ham/b.ts', 'dirty outside');
    write(workspace, 'ham/c.ts', 'dirty inside');

    expect(await factsOf(workspace, 'ham', ['ham'])).toEqual({
      closureCommit: inside,
      closureAuthor: TEST_AUTHOR,
      dirtyHash: expect.stringMatching(/^[0-9a-f]{64}$/),
      dirtyFiles: ['ham/c.ts'],
      head: git(repo, 'rev-parse', 'HEAD'),
    });
    expect(fs.realpathSync((await locateWorkspace(workspace)).top)).toBe(fs.realpathSync(repo));
  });
});

describe('gitFacts: refusals', () => {
  it('refuses a repository without commits', async () => {
    const repo = initRepo();
    write(repo, 'ham/a.ts', '1');
    await expect(factsOf(repo, 'ham', ['ham'])).rejects.toThrow(/has no commit yet: commit once before storing/);
  });

  it('refuses a directory outside any repository, naming it', async () => {
    const dir = tempDir();
    const error = await factsOf(dir, 'ham', ['ham']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toContain(`${dir} is not inside a git repository`);
    await expect(currentBranch(dir)).rejects.toThrow(/is not inside a git repository/);
  });

  it('refuses paths leaving the workspace and closures given twice', async () => {
    const repo = initRepo();
    commit(repo, 'init', { 'ham/a.ts': '1' });
    await expect(factsOf(repo, 'ham', ['../elsewhere'])).rejects.toThrow(/not inside the workspace/);
    await expect(
      gitFacts(repo, [
        { name: 'ham', paths: ['ham'] },
        { name: 'ham', paths: ['ham'] },
      ]),
    ).rejects.toThrow(/given twice/);
  });
});

describe('HEAD, currentBranch, locateWorkspace', () => {
  it('reads HEAD and the branch, null when detached', async () => {
    const repo = initRepo();
    const first = commit(repo, 'one');
    const second = commit(repo, 'two');
    expect((await factsOf(repo, 'ham', ['ham'])).head).toBe(second);
    expect(await currentBranch(repo)).toBe('main');
    git(repo, 'checkout', '-q', '-b', 'feat/x');
    expect(await currentBranch(repo)).toBe('feat/x');
    git(repo, 'checkout', '-q', '--detach', first);
    expect(await currentBranch(repo)).toBeNull();
    expect((await factsOf(repo, 'ham', ['ham'])).head).toBe(first);
    expect(fs.realpathSync((await locateWorkspace(repo)).top)).toBe(fs.realpathSync(repo));
  });

  it('takes the branch a CI job builds when its checkout is detached, and only then', async () => {
    const repo = initRepo();
    const first = commit(repo, 'one');
    commit(repo, 'two');
    // The test may itself run in CI: its own branch variables are set aside.
    const names = ['GITHUB_HEAD_REF', 'GITHUB_REF_TYPE', 'GITHUB_REF_NAME', 'CI_MERGE_REQUEST_SOURCE_BRANCH_NAME', 'CI_COMMIT_BRANCH'];
    const saved = names.map((name) => [name, process.env[name]] as const);
    for (const name of names) delete process.env[name];
    process.env.CI_COMMIT_BRANCH = 'release-line';
    try {
      expect(await perCallGitFacts(repo).branch()).toBe('main');
      git(repo, 'checkout', '-q', '--detach', first);
      expect(await perCallGitFacts(repo).branch()).toBe('release-line');
      expect(await batchedGitFacts(repo, []).branch()).toBe('release-line');
      delete process.env.CI_COMMIT_BRANCH;
      expect(await perCallGitFacts(repo).branch()).toBeNull();
    } finally {
      for (const [name, value] of saved) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });

  it('locateCheckout gives top, prefix, HEAD and branch in one git call, and still answers before the first commit', async () => {
    const repo = initRepo();
    const unborn = await locateCheckout(repo);
    expect({ ...unborn, top: fs.realpathSync(unborn.top) }).toEqual({ top: fs.realpathSync(repo), prefix: '', head: null, branch: 'main', tags: [] });
    const first = commit(repo, 'one', { 'ws/a.ts': '1' });
    git(repo, 'tag', 'mdl-ham-v1.0.0');
    git(repo, 'tag', '-a', '-m', 'annotated', 'mdl-ham-v1.1.0');
    git(repo, 'tag', 'mdl-hamster-v1.0.0');
    expect((await locateCheckout(repo, 'mdl-ham-v*')).tags).toEqual(['mdl-ham-v1.0.0', 'mdl-ham-v1.1.0']);
    expect((await locateCheckout(repo)).tags).toEqual([]);
    git(repo, 'checkout', '-q', '-b', 'feat/x');
    // A file named HEAD in the work tree must not make the revision ambiguous.
    write(repo, 'ws/HEAD', 'a file');
    expect(await locateCheckout(path.join(repo, 'ws'))).toMatchObject({ prefix: 'ws/', head: first, branch: 'feat/x' });
    git(repo, 'checkout', '-q', '--detach');
    expect(await locateCheckout(path.join(repo, 'ws'))).toMatchObject({ prefix: 'ws/', head: first, branch: null });
    await expect(locateCheckout(tempDir())).rejects.toThrow(/is not inside a git repository/);
  });
});

describe('gitFacts: number of git processes', () => {
  function resourceRepo(count: number): { repo: string; commits: string[] } {
    const repo = initRepo();
    const commits = Array.from({ length: count }, (_, i) => commit(repo, `res${i}`, { [`res${i}/index.ts`]: `${i}` }));
    write(repo, 'res1/dirty.ts', 'x');
    return { repo, commits };
  }

  it('is the same for 3 and for 30 resources', async () => {
    const counts: number[] = [];
    for (const size of [3, 30]) {
      const { repo, commits } = resourceRepo(size);
      const closures = commits.map((_, i) => ({ name: `res${i}`, paths: [`res${i}`, 'res0'] }));
      const shim = countingGit();
      try {
        const facts = await gitFacts(repo, closures);
        commits.forEach((sha, i) => expect(facts.get(`res${i}`)!.closureCommit).toBe(sha));
        expect(facts.get('res1')!.dirtyFiles).toEqual(['res1/dirty.ts']);
        counts.push(shim.calls().length);
      } finally {
        shim.restore();
      }
    }
    expect(counts[0]).toBe(3);
    expect(counts[1]).toBe(counts[0]);
  });
});

describe('originUrl', () => {
  it.each([
    ['https://bot:s3c@ret@example.com/acme/proj.git', 'https://example.com/acme/proj.git'],
    ['https://user:pa#ss@github.com/acme/ml.git', 'https://github.com/acme/ml.git'],
    ['https://user:pa?ss@github.com/acme/ml.git', 'https://github.com/acme/ml.git'],
    ['https://user:pa/ss@github.com/acme/ml.git', 'https://github.com/acme/ml.git'],
    ['https://x-access-token:ghs_abc@github.com/acme/ml.git', 'https://github.com/acme/ml.git'],
    ['ssh://git@git.example.com:2222/acme/ml.git', 'ssh://git.example.com:2222/acme/ml.git'],
    ['https://git.example.com:8443/acme/ml@v2.git', 'https://git.example.com:8443/acme/ml@v2.git'],
    ['https://user@git.example.com/acme/ml@v2.git', 'https://git.example.com/acme/ml@v2.git'],
    ['git@github.com:acme/ml.git', 'git@github.com:acme/ml.git'],
  ])('names %s as %s: no user or password, whatever the password holds', async (remote, source) => {
    const dir = initRepo();
    git(dir, 'remote', 'add', 'origin', remote);
    expect(await originUrl(dir)).toBe(source);
  });
});

describe('onNulRecords', () => {
  it('decodes records split across chunks, even inside a multi-byte character, and stops when told', async () => {
    const stream = new PassThrough();
    const seen: string[] = [];
    onNulRecords(stream, (record) => {
      seen.push(record);
      return record === 'stop';
    });
    const bytes = Buffer.from('fumé\0b\0stop\0after\0');
    stream.write(bytes.subarray(0, 4));
    stream.write(bytes.subarray(4));
    stream.end();
    await new Promise((resolve) => stream.on('end', resolve));
    expect(seen).toEqual(['fumé', 'b', 'stop']);
  });
});
