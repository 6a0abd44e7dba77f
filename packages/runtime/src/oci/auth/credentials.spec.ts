import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { UserError } from '../../errors';
import { dockerConfigPath, resolveCredentials } from './credentials';

describe('resolveCredentials', () => {
  let dir: string;
  let binDir: string;
  let env: NodeJS.ProcessEnv;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oci-creds-'));
    binDir = path.join(dir, 'bin');
    fs.mkdirSync(binDir);
    env = { DOCKER_CONFIG: dir, HOME: path.join(dir, 'home'), PATH: `${binDir}:${process.env.PATH}` };
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const writeConfig = (config: unknown) => fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify(config));
  const b64 = (text: string) => Buffer.from(text).toString('base64');

  /** A real docker-credential-<name> executable: knows one host, logs the hosts it was asked about. */
  function installHelper(name: string, host: string, username: string, secret: string) {
    const script = [
      '#!/bin/sh',
      'read server',
      `echo "$server" >> "${path.join(dir, `${name}.log`)}"`,
      `if [ "$1" = get ] && [ "$server" = "${host}" ]; then`,
      `  printf '{"ServerURL":"%s","Username":"${username}","Secret":"${secret}"}' "$server"`,
      'else',
      '  echo "credentials not found in native keychain"; exit 1',
      'fi',
    ].join('\n');
    fs.writeFileSync(path.join(binDir, `docker-credential-${name}`), script, { mode: 0o755 });
  }
  const askedHosts = (name: string) => fs.readFileSync(path.join(dir, `${name}.log`), 'utf8').trim().split('\n');

  it('takes MODELOS_REGISTRY_USERNAME/PASSWORD first, and wants both', async () => {
    writeConfig({ auths: { 'ghcr.io': { auth: b64('docker:pw') } } });
    await expect(resolveCredentials('ghcr.io', { ...env, MODELOS_REGISTRY_USERNAME: 'env', MODELOS_REGISTRY_PASSWORD: 's3' })).resolves.toEqual({
      username: 'env',
      password: 's3',
      source: 'env MODELOS_REGISTRY_USERNAME',
    });
    await expect(resolveCredentials('ghcr.io', { ...env, MODELOS_REGISTRY_USERNAME: 'env' })).rejects.toThrow(
      'set both MODELOS_REGISTRY_USERNAME and MODELOS_REGISTRY_PASSWORD, or neither',
    );
  });

  it('reads auths by host, whatever form the key has', async () => {
    writeConfig({
      auths: {
        'https://registry.example:5000/v1/': { auth: b64('alice:pa:ss') },
        'other.example': { username: 'bob', password: 'pw' },
        'https://index.docker.io/v1/': { auth: b64('hub:hubpw') },
      },
    });
    await expect(resolveCredentials('registry.example:5000', env)).resolves.toMatchObject({ username: 'alice', password: 'pa:ss' });
    await expect(resolveCredentials('other.example', env)).resolves.toMatchObject({ username: 'bob', password: 'pw' });
    await expect(resolveCredentials('registry-1.docker.io', env)).resolves.toMatchObject({ username: 'hub' });
    await expect(resolveCredentials('unknown.example', env)).resolves.toBeUndefined();
  });

  it('is anonymous without a config file, and reads ~/.docker/config.json without DOCKER_CONFIG', async () => {
    await expect(resolveCredentials('ghcr.io', env)).resolves.toBeUndefined();
    const home = path.join(dir, 'home');
    fs.mkdirSync(path.join(home, '.docker'), { recursive: true });
    fs.writeFileSync(path.join(home, '.docker', 'config.json'), JSON.stringify({ auths: { 'ghcr.io': { auth: b64('h:p') } } }));
    const noDockerConfig = { HOME: home, PATH: env.PATH };
    expect(dockerConfigPath(noDockerConfig)).toBe(path.join(home, '.docker', 'config.json'));
    await expect(resolveCredentials('ghcr.io', noDockerConfig)).resolves.toMatchObject({ username: 'h' });
  });

  it('asks credHelpers[host] before credsStore and auths', async () => {
    installHelper('pass', 'ghcr.io', 'helper-user', 'helper-secret');
    installHelper('desktop', 'ghcr.io', 'store-user', 'store-secret');
    writeConfig({ credHelpers: { 'ghcr.io': 'pass' }, credsStore: 'desktop', auths: { 'ghcr.io': { auth: b64('a:b') } } });
    await expect(resolveCredentials('ghcr.io', env)).resolves.toEqual({
      username: 'helper-user',
      password: 'helper-secret',
      source: 'docker-credential-pass',
    });
    expect(askedHosts('pass')).toEqual(['ghcr.io']);
  });

  it('uses credsStore, falling back to auths when the store knows nothing', async () => {
    installHelper('desktop', 'ghcr.io', 'store-user', 'store-secret');
    writeConfig({ credsStore: 'desktop', auths: { 'quay.io': { auth: b64('q:pw') } } });
    await expect(resolveCredentials('ghcr.io', env)).resolves.toMatchObject({ username: 'store-user', password: 'store-secret' });
    await expect(resolveCredentials('quay.io', env)).resolves.toMatchObject({ username: 'q', password: 'pw' });
    expect(askedHosts('desktop')).toEqual(['ghcr.io', 'quay.io']);
  });

  it('names a missing or failing helper, and a broken config, without printing secrets', async () => {
    writeConfig({ credsStore: 'nothere' });
    await expect(resolveCredentials('ghcr.io', env)).rejects.toThrow(
      `credential helper docker-credential-nothere (from ${path.join(dir, 'config.json')} credsStore) is not installed or not on PATH`,
    );
    fs.writeFileSync(path.join(binDir, 'docker-credential-broken'), '#!/bin/sh\necho "keychain locked" >&2\nexit 3\n', { mode: 0o755 });
    writeConfig({ credHelpers: { 'ghcr.io': 'broken' } });
    await expect(resolveCredentials('ghcr.io', env)).rejects.toThrow(/docker-credential-broken .* failed for ghcr.io: keychain locked/);
    fs.writeFileSync(path.join(dir, 'config.json'), '{ not json');
    await expect(resolveCredentials('ghcr.io', env)).rejects.toThrow(UserError);
    await expect(resolveCredentials('ghcr.io', env)).rejects.toThrow(`docker config ${path.join(dir, 'config.json')} is not valid JSON`);
  });
});
