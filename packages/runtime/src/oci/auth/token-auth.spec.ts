// Registry access as real registries demand it: docker-registry with `auth: token` and a token
// service of ours (realm/service/scope, RS256 JWTs checked against the registry's cert bundle),
// credentials from the env, docker credential helpers on PATH, and identity (refresh) tokens.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';
import { digestOf, MediaTypes, serializeManifest } from '../content';
import { openRepository } from '../repository';
import { makeSigningKey } from '../../../../versioning-core/src/test-support/tls-certs';
import { expiringIn, startTokenServer, type TokenServer } from '../../../../versioning-core/src/test-support/token-server';

const { startRegistry } = require('../../../../../tools/registry') as {
  startRegistry(options: object): Promise<{ host: string; dataDir: string; stop(): Promise<void> }>;
};

jest.setTimeout(60_000);

let dir: string;
let tokens: TokenServer;
let registry: { host: string; dataDir: string; stop(): Promise<void> };
let counter = 0;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oci-token-'));
  const signing = makeSigningKey(dir);
  tokens = await startTokenServer({ users: { carol: 'token-pw', reader: 'read-pw' }, refreshTokens: { 'refresh-123': 'carol' }, readOnly: ['reader'], ...signing });
  registry = await startRegistry({ token: { realm: tokens.realm, service: tokens.service, issuer: tokens.issuer, rootCertBundle: signing.certFile } });
});
afterAll(async () => {
  await registry?.stop();
  await tokens?.close();
  fs.rmSync(dir, { recursive: true, force: true });
  if (registry) fs.rmSync(registry.dataDir, { recursive: true, force: true });
});
beforeEach(() => {
  tokens.requests = [];
  tokens.lifetimeSeconds = 300;
});

const open = (env: NodeJS.ProcessEnv, name = `ham${counter++}`) =>
  openRepository({ kind: 'remote', host: registry.host, namespace: 'team', plainHttp: true }, name, { env });
const carol = { MODELOS_REGISTRY_USERNAME: 'carol', MODELOS_REGISTRY_PASSWORD: 'token-pw' };

/** A docker config dir holding `config` (and a bin dir on PATH for helpers). */
function dockerConfig(config: object): { DOCKER_CONFIG: string; PATH: string } {
  const configDir = fs.mkdtempSync(path.join(dir, 'docker-'));
  fs.writeFileSync(path.join(configDir, 'config.json'), JSON.stringify(config));
  return { DOCKER_CONFIG: configDir, PATH: `${path.join(dir, 'bin')}:${process.env.PATH}` };
}

/** A real `docker-credential-<name>` executable answering `get` for `host` with the given JSON. */
function credentialHelper(name: string, answers: Record<string, object>): void {
  const bin = path.join(dir, 'bin');
  fs.mkdirSync(bin, { recursive: true });
  const file = path.join(bin, `docker-credential-${name}`);
  const script = `#!${process.execPath}
if (process.argv[2] !== 'get') process.exit(1);
let input = '';
process.stdin.on('data', (c) => (input += c)).on('end', () => {
  const answers = ${JSON.stringify(answers)};
  const found = answers[input.trim()];
  if (!found) { process.stdout.write('credentials not found in native keychain'); process.exit(1); }
  process.stdout.write(JSON.stringify(found));
});
`;
  fs.writeFileSync(file, script, { mode: 0o755 });
}

async function pushSmall(repo: ReturnType<typeof open>, tag: string, layerStream?: () => NodeJS.ReadableStream) {
  const bytes = Buffer.from(`layer of ${tag} ${Math.random()}`);
  const layer = { mediaType: MediaTypes.layerTarGzip, digest: digestOf(bytes), size: bytes.length };
  await repo.pushBlob(layer, layerStream ?? (() => Readable.from([bytes])));
  const manifest = serializeManifest({ schemaVersion: 2, mediaType: MediaTypes.imageManifest, config: layer, layers: [layer] });
  return repo.pushManifest(manifest, MediaTypes.imageManifest, tag);
}

describe('a registry with token auth (realm, service, scope)', () => {
  it('fetches tokens for the scopes the registry names, with Basic credentials, and pushes and reads', async () => {
    const repo = open(carol, 'ham-a');
    const pushed = await pushSmall(repo, 'v1.0.0');
    expect(tokens.requests).toEqual([
      { method: 'GET', service: tokens.service, scopes: ['repository:team/ham-a:pull'], grant: 'basic:carol' },
      { method: 'GET', service: tokens.service, scopes: ['repository:team/ham-a:pull,push'], grant: 'basic:carol' },
    ]);
    expect(await repo.listTags()).toEqual(['v1.0.0']);
    expect((await repo.fetchManifest('v1.0.0'))?.descriptor.digest).toBe(pushed.digest);
  });

  it('refreshes a token that expires in the middle of a push', async () => {
    tokens.lifetimeSeconds = expiringIn(2);
    const repo = open(carol);
    const bytes = Buffer.from('slow layer');
    let opened = 0;
    // The layer takes 3 s to start streaming, so the upload's PUT leaves with the token of the
    // push already expired; tokens issued from then on live long.
    const slow = () => {
      opened++;
      tokens.lifetimeSeconds = 300;
      return Readable.from((async function* () {
        await delay(3000);
        yield bytes;
      })());
    };
    const layer = { mediaType: MediaTypes.layerTarGzip, digest: digestOf(bytes), size: bytes.length };
    await repo.pushBlob(layer, slow);
    const manifest = serializeManifest({ schemaVersion: 2, mediaType: MediaTypes.imageManifest, config: layer, layers: [layer] });
    await repo.pushManifest(manifest, MediaTypes.imageManifest, 'v1.0.0');
    expect(opened).toBe(2); // refused once with the expired token, sent again with a fresh one
    expect(tokens.requests.map((r) => r.scopes.join(' '))).toEqual([
      expect.stringMatching(/:pull$/),
      expect.stringMatching(/:pull,push$/),
      expect.stringMatching(/:pull,push$/),
    ]);
    expect(await repo.listTags()).toEqual(['v1.0.0']);
    expect((await repo.fetchBlob(layer.digest)).equals(bytes)).toBe(true);
  });

  it('says the credentials were refused by the token service, naming the user, never the password', async () => {
    const failure = open({ MODELOS_REGISTRY_USERNAME: 'carol', MODELOS_REGISTRY_PASSWORD: 'nope-pw' }).listTags();
    await expect(failure).rejects.toThrow(`registry ${registry.host} rejected the credentials of user "carol" (from env MODELOS_REGISTRY_USERNAME) (token service 127.0.0.1:`);
    await expect(failure).rejects.not.toThrow(/nope-pw/);
  });
});

describe('docker credential helpers (a real executable on PATH)', () => {
  it('uses credHelpers[host]', async () => {
    credentialHelper('modelos-a', { [registry.host]: { ServerURL: registry.host, Username: 'carol', Secret: 'token-pw' } });
    const repo = open(dockerConfig({ credHelpers: { [registry.host]: 'modelos-a' } }));
    await pushSmall(repo, 'v1.0.0');
    expect(tokens.requests.every((r) => r.grant === 'basic:carol')).toBe(true);
  });

  it('uses credsStore when no helper is named for the host', async () => {
    credentialHelper('modelos-b', { [registry.host]: { ServerURL: registry.host, Username: 'carol', Secret: 'token-pw' } });
    const repo = open(dockerConfig({ credsStore: 'modelos-b', auths: { [registry.host]: {} } }));
    await pushSmall(repo, 'v1.0.0');
    expect(await repo.listTags()).toEqual(['v1.0.0']);
  });

  it('reports a helper that is not on PATH', async () => {
    await expect(open(dockerConfig({ credHelpers: { [registry.host]: 'missing' } })).listTags()).rejects.toThrow(
      /credential helper docker-credential-missing \(from .*config\.json credHelpers\) is not installed or not on PATH/,
    );
  });
});

describe('identity tokens (refresh tokens)', () => {
  it('exchanges auths[host].identitytoken at the realm with an OAuth2 POST', async () => {
    const repo = open(dockerConfig({ auths: { [registry.host]: { identitytoken: 'refresh-123' } } }));
    await pushSmall(repo, 'v1.0.0');
    expect(tokens.requests.map((r) => [r.method, r.grant])).toEqual([
      ['POST', 'refresh:refresh-123'],
      ['POST', 'refresh:refresh-123'],
    ]);
    expect(tokens.requests[1].scopes).toEqual([expect.stringMatching(/^repository:team\/ham\d+:pull,push$/)]);
  });

  it('takes the identity token a helper returns for the user <token>', async () => {
    credentialHelper('modelos-c', { [registry.host]: { ServerURL: registry.host, Username: '<token>', Secret: 'refresh-123' } });
    const repo = open(dockerConfig({ credHelpers: { [registry.host]: 'modelos-c' } }));
    await pushSmall(repo, 'v1.0.0');
    expect(new Set(tokens.requests.map((r) => r.grant))).toEqual(new Set(['refresh:refresh-123']));
  });

  it('says a read-only account may not push, instead of calling its credentials rejected', async () => {
    const name = `ham${counter++}`;
    await pushSmall(open(carol, name), 'v1.0.0');
    const reader = open({ MODELOS_REGISTRY_USERNAME: 'reader', MODELOS_REGISTRY_PASSWORD: 'read-pw' }, name);
    expect(await reader.listTags()).toEqual(['v1.0.0']);
    await expect(pushSmall(reader, 'v1.1.0')).rejects.toThrow(
      new RegExp(`^registry ${registry.host.replace(/\./g, '\\.')} denied user "reader" \\(from env MODELOS_REGISTRY_USERNAME\\) to .*: ask for that permission on the repository, or use credentials that have it$`),
    );
  });

  it('reports a refused identity token', async () => {
    const repo = open(dockerConfig({ auths: { [registry.host]: { identitytoken: 'revoked' } } }));
    await expect(repo.listTags()).rejects.toThrow(`registry ${registry.host} rejected the credentials of user "<token>"`);
  });
});
