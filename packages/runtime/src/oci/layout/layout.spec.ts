import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { UserError } from '../../errors';
import { EmptyJson, MediaTypes, serializeManifest } from '../content';
import { withFileLock } from './lock';
import { LayoutRepository, REF_NAME } from './repository';

jest.setTimeout(60_000);

let tmp: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'oci-layout-'));
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

const manifestFor = (note: string) =>
  serializeManifest({
    schemaVersion: 2,
    mediaType: MediaTypes.imageManifest,
    artifactType: MediaTypes.resourceArtifact,
    config: EmptyJson.descriptor,
    layers: [EmptyJson.descriptor],
    annotations: { note },
  });

const readJson = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8'));
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('OCI image layout on disk', () => {
  it('writes oci-layout, index.json with ref.name tags and blobs/sha256/<hex>', async () => {
    const dir = path.join(tmp, 'ham');
    const repo = new LayoutRepository(dir);
    await repo.pushBlob(EmptyJson.descriptor, () => Readable.from([EmptyJson.bytes]));
    const pushed = await repo.pushManifest(manifestFor('a'), MediaTypes.imageManifest, 'v1.0.0');

    expect(readJson(path.join(dir, 'oci-layout'))).toEqual({ imageLayoutVersion: '1.0.0' });
    expect(readJson(path.join(dir, 'index.json'))).toEqual({
      schemaVersion: 2,
      mediaType: MediaTypes.imageIndex,
      manifests: [{ ...pushed, annotations: { [REF_NAME]: 'v1.0.0' } }],
    });
    expect(pushed.artifactType).toBe(MediaTypes.resourceArtifact);
    expect(fs.readdirSync(path.join(dir, 'blobs', 'sha256')).sort()).toEqual(
      [EmptyJson.descriptor.digest, pushed.digest].map((d) => d.slice(7)).sort(),
    );
  });

  it('leaves no temp file and no blob behind when content does not match its digest', async () => {
    const repo = new LayoutRepository(path.join(tmp, 'ham'));
    await expect(repo.pushBlob(EmptyJson.descriptor, () => Readable.from([Buffer.from('{ }')]))).rejects.toThrow(/does not match/);
    expect(fs.readdirSync(path.join(tmp, 'ham', 'blobs', 'sha256'))).toEqual([]);
  });

  it('does not create anything when only reading', async () => {
    const repo = new LayoutRepository(path.join(tmp, 'ham'));
    expect(await repo.listTags()).toEqual([]);
    await repo.deleteManifest(EmptyJson.descriptor.digest);
    expect(fs.existsSync(path.join(tmp, 'ham'))).toBe(false);
  });

  it('refuses a directory under a regular file with one line naming it, and reads it as empty', async () => {
    fs.writeFileSync(path.join(tmp, 'notes.txt'), 'a file, not a directory');
    const dir = path.join(tmp, 'notes.txt', 'registry', 'ham');
    const repo = new LayoutRepository(dir);
    const pushed = repo.pushBlob(EmptyJson.descriptor, () => Readable.from([EmptyJson.bytes]));
    await expect(pushed).rejects.toThrow(UserError);
    await expect(pushed).rejects.toThrow(new RegExp(`^cannot write registry directory ${escape(dir)}: ENOTDIR: not a directory, mkdir '${escape(dir)}/blobs/sha256'$`));
    await expect(repo.pushManifest(manifestFor('a'), MediaTypes.imageManifest, 'v1.0.0')).rejects.toThrow(/^cannot write registry directory .*: ENOTDIR/);
    expect(await repo.listTags()).toEqual([]);
    expect(await repo.resolve('v1.0.0')).toBeNull();
  });

  it('refuses a file standing where a layout directory should be', async () => {
    const dir = path.join(tmp, 'ham');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'blobs'), '');
    const repo = new LayoutRepository(dir);
    await expect(repo.pushBlob(EmptyJson.descriptor, () => Readable.from([EmptyJson.bytes]))).rejects.toThrow(
      new RegExp(`^cannot write registry directory ${escape(dir)}: (ENOTDIR|EEXIST): `),
    );
  });

  it.each([['{"manifests":[null]}'], ['{"manifests":[{"mediaType":"x"}]}'], ['{"manifests":{}}'], ['not json']])(
    'refuses an index.json whose entries are no descriptors in one line: %s',
    async (index) => {
      const dir = path.join(tmp, 'ham');
      fs.mkdirSync(dir);
      fs.writeFileSync(path.join(dir, 'index.json'), index);
      const repo = new LayoutRepository(dir);
      for (const attempt of [() => repo.listTags(), () => repo.resolve('v1.0.0'), () => repo.fetchManifest('v1.0.0')]) {
        await expect(attempt()).rejects.toThrow(new UserError(`${path.join(dir, 'index.json')} is not a valid OCI image index`));
      }
    },
  );

  it('keeps every tag when several processes push at once', async () => {
    const dir = path.join(tmp, 'ham');
    const processes = 4;
    const perProcess = 8;
    const child = [
      "const fs = require('node:fs');",
      "const ts = require('typescript');",
      // Load the TypeScript sources as they are, the way ts-jest does for the tests.
      "require.extensions['.ts'] = (module, file) => module._compile(ts.transpileModule(fs.readFileSync(file, 'utf8'),",
      '  { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true } }).outputText, file);',
      `const { LayoutRepository } = require(${JSON.stringify(path.join(__dirname, 'repository.ts'))});`,
      `const { serializeManifest, EmptyJson, MediaTypes } = require(${JSON.stringify(path.join(__dirname, '..', 'content', 'index.ts'))});`,
      '(async () => {',
      `  const repo = new LayoutRepository(${JSON.stringify(dir)});`,
      `  for (let i = 0; i < ${perProcess}; i++) {`,
      '    const bytes = serializeManifest({ schemaVersion: 2, mediaType: MediaTypes.imageManifest, config: EmptyJson.descriptor,',
      '      layers: [], annotations: { who: `${process.argv[1]}-${i}` } });',
      '    await repo.pushManifest(bytes, MediaTypes.imageManifest, `p${process.argv[1]}-${i}`);',
      "    await repo.pushManifest(bytes, MediaTypes.imageManifest, 'latest');",
      '  }',
      '})().catch((err) => { console.error(err); process.exit(1); });',
    ].join('\n');
    const codes = await Promise.all(
      Array.from({ length: processes }, (_, p) => {
        const proc = spawn(process.execPath, ['-e', child, String(p)], { stdio: ['ignore', 'inherit', 'inherit'], cwd: path.join(__dirname, '..') });
        return new Promise<number | null>((resolve) => proc.on('close', resolve));
      }),
    );
    expect(codes).toEqual(Array(processes).fill(0));

    const repo = new LayoutRepository(dir);
    const expected = Array.from({ length: processes }, (_, p) => Array.from({ length: perProcess }, (_, i) => `p${p}-${i}`)).flat();
    expect((await repo.listTags()).sort()).toEqual([...expected, 'latest'].sort());
    const index = readJson(path.join(dir, 'index.json'));
    expect(index.manifests.filter((m: { annotations?: Record<string, string> }) => m.annotations?.[REF_NAME] === 'latest')).toHaveLength(1);
    expect(fs.readdirSync(dir).sort()).toEqual(['blobs', 'index.json', 'oci-layout']);
  });
});

describe('withFileLock', () => {
  it('runs holders one at a time', async () => {
    const lock = path.join(tmp, 'x.lock');
    let inside = 0;
    let most = 0;
    await Promise.all(
      Array.from({ length: 10 }, () =>
        withFileLock(lock, async () => {
          most = Math.max(most, ++inside);
          await new Promise((resolve) => setTimeout(resolve, 5));
          inside--;
        }),
      ),
    );
    expect(most).toBe(1);
    expect(fs.existsSync(lock)).toBe(false);
  });

  it('takes over a lock left by a crashed process, and times out on a live one', async () => {
    const lock = path.join(tmp, 'x.lock');
    fs.writeFileSync(lock, '12345\n');
    const old = new Date(Date.now() - 60_000);
    fs.utimesSync(lock, old, old);
    await expect(withFileLock(lock, async () => 'ran')).resolves.toBe('ran');

    fs.writeFileSync(lock, '12345\n');
    await expect(withFileLock(lock, async () => 'ran', { timeoutMs: 50 })).rejects.toThrow(
      `timed out waiting for lock ${lock}; if no mdl or nx process is running, delete that file`,
    );
    expect(fs.existsSync(lock)).toBe(true);
  });

  it('releases the lock when the holder fails', async () => {
    const lock = path.join(tmp, 'x.lock');
    await expect(withFileLock(lock, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(fs.existsSync(lock)).toBe(false);
  });
});
