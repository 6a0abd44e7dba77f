import { spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openRepository, parseRegistryReference } from '../oci';
import { publishTestPackage, testServerJs } from '../test-support/package-artifact';
import { tsNodeArgs } from '../test-support/run-ts';

const host = process.env.MODELOS_TEST_REGISTRY!;
const namespace = `mdl-${randomUUID().slice(0, 8)}`;
const MDL = path.join(__dirname, 'mdl.ts');
let work: string;
let project: string;
let env: NodeJS.ProcessEnv;

function mdl(args: string[]) {
  const child = spawnSync(process.execPath, tsNodeArgs(MDL, args), { cwd: project, env, encoding: 'utf8' });
  return { status: child.status, stdout: child.stdout, stderr: child.stderr };
}

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'mdl-packages-'));
  project = path.join(work, 'project');
  fs.mkdirSync(project);
  fs.writeFileSync(path.join(project, 'package.json'), '{"name":"consumer","version":"1.0.0"}\n');
  env = { ...process.env, MODELOS_CACHE_DIR: path.join(work, 'cache') };
  const repo = openRepository(parseRegistryReference(`oci://${host}/${namespace}`, work), 'ham');
  const files = { 'index.js': 'exports.ok = true;', 'server.js': testServerJs('ham', '1.0.0') };
  await publishTestPackage(repo, { name: `@${namespace}/ham-client`, version: '1.0.0', resource: 'ham', kind: 'client', files });
  await publishTestPackage(repo, { name: `@${namespace}/ham`, version: '1.0.0', resource: 'ham', kind: 'server', files });
});

afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

describe('mdl install', () => {
  it('prints what it installed as a table', () => {
    const result = mdl(['install', `${host}/${namespace}:ham-client-v1`]);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(
      new RegExp(`^INSTALLED\\s+PACKAGE\\s+VERSION\\s+DIGEST\\s+FROM\\n@${namespace}/ham-client-v1\\s+@${namespace}/ham-client\\s+1\\.0\\.0\\s+sha256:[0-9a-f]{64}\\s+${host}/${namespace}/ham:client-v1\\n$`),
    );
  });

  it('prints one JSON document and nothing else with --json', () => {
    const result = mdl(['install', `${host}/${namespace}:ham-pkg-v1.0.0`, '--json']);
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ name: `@${namespace}/ham-v1_0_0`, version: '1.0.0', kind: 'server', tag: 'pkg-v1.0.0' });
  });

  it('fails with one line and a non-zero exit', () => {
    const result = mdl(['install', `${host}/${namespace}:ham-client-v4`]);
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(`mdl: tag "client-v4" does not exist in ${host}/${namespace}/ham; client packages there: client-v1.0.0, client-v1\n`);
    expect(mdl(['install']).stderr).toMatch(/^mdl: install takes one package reference, e\.g\. .*\n$/);
  });
});

describe('mdl serve', () => {
  it('runs the server package in the foreground on the given port until it is stopped', async () => {
    const port = await new Promise<number>((resolve) => {
      const probe = require('node:net').createServer().listen(0, '127.0.0.1', () => {
        const free = probe.address().port;
        probe.close(() => resolve(free));
      });
    });
    const child = spawn(process.execPath, tsNodeArgs(MDL, ['serve', `${host}/${namespace}:ham-pkg-v1.0.0`, '--port', String(port)]), {
      cwd: project,
      env,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const line = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => resolve(chunk.toString().trim()));
      child.once('exit', (code) => reject(new Error(`mdl serve exited with ${code}`)));
    });
    expect(line).toBe(`listening on http://127.0.0.1:${port}`);
    await expect((await fetch(`http://127.0.0.1:${port}/`)).json()).resolves.toMatchObject({ resource: 'ham', version: '1.0.0' });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code, signal) => resolve(code ?? (signal ? -1 : null))));
    child.kill('SIGTERM');
    expect(await exited).toBe(128 + os.constants.signals.SIGTERM);
    await expect(fetch(`http://127.0.0.1:${port}/`)).rejects.toThrow();
  });

  it('refuses a client package and a bad port', () => {
    expect(mdl(['serve', `${host}/${namespace}:ham-client-v1`]).stderr).toMatch(/^mdl: serve runs server packages: use <registry>:<resource>-pkg-v<version>/);
    expect(mdl(['serve', `${host}/${namespace}:ham-pkg-v1.0.0`, '--port', 'eighty']).stderr).toBe(
      'mdl: invalid --port "eighty": expected a number from 0 to 65535 (0 = any free port)\n',
    );
  });
});
