import { hashSync } from 'bcryptjs';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { UserError } from '../../errors';
import { EmptyJson } from '../content';
import { openRepository } from '../repository';
import { RegistrySession } from '../session';
import { pushTinyArtifact } from '../../../../versioning-core/src/test-support/tiny-artifact';

// tools/registry.js is plain JS (shared with the Jest global setup), hence require with a typed view.
const { startRegistry } = require('../../../../../tools/registry') as {
  startRegistry(options: { htpasswd: string }): Promise<{ host: string; dataDir: string; stop(): Promise<void> }>;
};

jest.setTimeout(60_000);

describe('a registry with htpasswd (Basic) auth', () => {
  let dir: string;
  let registry: { host: string; dataDir: string; stop(): Promise<void> };

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oci-basic-'));
    const htpasswd = path.join(dir, 'htpasswd');
    fs.writeFileSync(htpasswd, `bob:${hashSync('builder-pw', 4)}\n`);
    registry = await startRegistry({ htpasswd });
  });
  afterAll(async () => {
    await registry.stop();
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(registry.dataDir, { recursive: true, force: true });
  });

  const open = (env: NodeJS.ProcessEnv) =>
    openRepository({ kind: 'remote', host: registry.host, namespace: 'team', plainHttp: true }, 'ham', { env });

  it('asks for credentials when there are none', async () => {
    const repo = open({ DOCKER_CONFIG: path.join(dir, 'no-config') });
    await expect(repo.listTags()).rejects.toThrow(UserError);
    await expect(repo.listTags()).rejects.toThrow(
      `registry ${registry.host} requires authentication to list tags in ${registry.host}/team/ham (401 UNAUTHORIZED: authentication required): ` +
        `run \`docker login ${registry.host}\` or set MODELOS_REGISTRY_USERNAME and MODELOS_REGISTRY_PASSWORD`,
    );
  });

  it('reports wrong credentials, naming the user and where they came from, never the password', async () => {
    const failure = open({ MODELOS_REGISTRY_USERNAME: 'bob', MODELOS_REGISTRY_PASSWORD: 'wrong-pw' }).blobExists(EmptyJson.descriptor.digest);
    await expect(failure).rejects.toThrow(`registry ${registry.host} rejected the credentials of user "bob" (from env MODELOS_REGISTRY_USERNAME)`);
    await expect(failure).rejects.toThrow(`: log in again (\`docker login ${registry.host}\`) or correct env MODELOS_REGISTRY_USERNAME`);
    await expect(failure).rejects.not.toThrow(/wrong-pw/);
  });

  it('pushes and reads with credentials from the env, then from docker config.json', async () => {
    const repo = open({ MODELOS_REGISTRY_USERNAME: 'bob', MODELOS_REGISTRY_PASSWORD: 'builder-pw' });
    const pushed = await pushTinyArtifact(repo, 'v1.0.0');
    // Basic is sent up front once the registry asked for it: one 401 in the whole push.
    expect(repo.counters.requests).toBe(1 + 4); // HEAD refused, then HEAD, POST, PUT blob, PUT manifest

    const configDir = path.join(dir, 'docker');
    fs.mkdirSync(configDir);
    const auth = Buffer.from('bob:builder-pw').toString('base64');
    fs.writeFileSync(path.join(configDir, 'config.json'), JSON.stringify({ auths: { [registry.host]: { auth } } }));
    const reader = open({ DOCKER_CONFIG: configDir });
    expect(await reader.listTags()).toEqual(['v1.0.0']);
    expect((await reader.fetchManifest('v1.0.0'))?.descriptor.digest).toBe(pushed.digest);
  });

  it('shares what it learnt about the host across the repositories of one session, and only there', async () => {
    const session = new RegistrySession();
    let lookups = 0;
    // A credential helper on PATH that counts its runs: a lookup is a process.
    const bin = path.join(dir, 'helper-bin');
    fs.mkdirSync(bin, { recursive: true });
    const counter = path.join(dir, 'helper-runs');
    fs.writeFileSync(path.join(bin, 'docker-credential-count'), `#!/bin/sh\necho run >> ${counter}\necho '{"Username":"bob","Secret":"builder-pw"}'\n`, { mode: 0o755 });
    const configDir = path.join(dir, 'docker-helper');
    fs.mkdirSync(configDir, { recursive: true });
    fs.writeFileSync(path.join(configDir, 'config.json'), JSON.stringify({ credHelpers: { [registry.host]: 'count' } }));
    const env = { DOCKER_CONFIG: configDir, PATH: `${bin}:${process.env.PATH}` };
    const openIn = (name: string, options: { session?: RegistrySession } = {}) =>
      openRepository({ kind: 'remote', host: registry.host, namespace: 'team', plainHttp: true }, name, { env, ...options });
    const runs = () => (fs.existsSync(counter) ? fs.readFileSync(counter, 'utf8').split('\n').filter(Boolean).length : 0);

    const first = openIn('eggs', { session });
    await first.listTags();
    expect(first.counters.requests).toBe(2); // 401, then with Basic
    lookups = runs();
    expect(lookups).toBe(1);

    const second = openIn('bacon', { session });
    await second.listTags();
    expect(second.counters.requests).toBe(1); // Basic up front: no 401
    expect(runs()).toBe(lookups); // no second credential helper run

    const outside = openIn('bacon');
    await outside.listTags();
    expect(outside.counters.requests).toBe(2);
    expect(runs()).toBe(lookups + 1);
  });
});
