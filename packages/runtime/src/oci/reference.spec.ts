import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { UserError } from '../errors';
import { formatRegistryReference, parseRegistryReference, repositoryPath, resolveRegistry, type RegistryReference } from './reference';

const cwd = '/work/ws';

describe('parseRegistryReference', () => {
  it.each<[string, RegistryReference]>([
    ['oci://127.0.0.1:5000/ml-project', { kind: 'remote', host: '127.0.0.1:5000', namespace: 'ml-project', plainHttp: true }],
    ['oci://localhost:5000', { kind: 'remote', host: 'localhost:5000', namespace: '', plainHttp: true }],
    ['oci://[::1]:5000/a/b', { kind: 'remote', host: '[::1]:5000', namespace: 'a/b', plainHttp: true }],
    ['oci://GHCR.io/acme/models/', { kind: 'remote', host: 'ghcr.io', namespace: 'acme/models', plainHttp: false }],
    ['oci://registry.lan:5000/team_a/x.y?insecure=true', { kind: 'remote', host: 'registry.lan:5000', namespace: 'team_a/x.y', plainHttp: true }],
    ['oci://localhost/ns?insecure=false', { kind: 'remote', host: 'localhost', namespace: 'ns', plainHttp: true }],
    ['oci://127.0.0.1:5443/ns?tls=true', { kind: 'remote', host: '127.0.0.1:5443', namespace: 'ns', plainHttp: false }],
    ['oci://registry.lan/ns?tls=false', { kind: 'remote', host: 'registry.lan', namespace: 'ns', plainHttp: false }],
    ['.modelos/registry', { kind: 'layout', dir: '/work/ws/.modelos/registry' }],
    ['/srv/oci', { kind: 'layout', dir: '/srv/oci' }],
    ['../shared/oci', { kind: 'layout', dir: '/work/shared/oci' }],
    ['file:///srv/my%20oci', { kind: 'layout', dir: '/srv/my oci' }],
  ])('%s', (input, expected) => {
    expect(parseRegistryReference(input, cwd)).toEqual(expected);
  });

  it('uses plain HTTP for other hosts only when asked to', () => {
    expect(parseRegistryReference('oci://registry.lan/ns', cwd)).toMatchObject({ plainHttp: false });
    expect(parseRegistryReference('oci://registry.lan/ns', cwd, { insecure: true })).toMatchObject({ plainHttp: true });
    expect(parseRegistryReference('oci://127.0.0.2/ns', cwd)).toMatchObject({ plainHttp: false });
  });

  it.each([
    ['', /empty registry reference: use oci:\/\/host\[:port\]\/namespace/],
    ['oci://', /invalid registry host "" in "oci:\/\/"/],
    ['oci://bad_host/ns', /invalid registry host "bad_host"/],
    ['oci://host:99999/ns', /invalid registry host "host:99999"/],
    ['oci://user:secret@ghcr.io/ns', /must not carry credentials/],
    ['oci://ghcr.io/Acme', /invalid namespace "Acme" in registry reference "oci:\/\/ghcr.io\/Acme": use lowercase components/],
    ['oci://ghcr.io/a//b', /invalid namespace/],
    ['oci://ghcr.io/ns?tls=off', /unsupported query "tls=off".*only insecure=true\|false and tls=true\|false are allowed/],
    ['oci://registry.lan/ns?tls=true&insecure=true', /asks for both tls and insecure: choose one/],
    ['https://ghcr.io/ns', /unsupported registry reference "https:\/\/ghcr.io\/ns": use oci:\/\//],
    ['file:relative/dir', /file: URL "file:relative\/dir" must be absolute/],
    ['localhost:5000/ns', /looks like a host without a scheme: write oci:\/\/localhost:5000\/ns/],
    ['ghcr.io/acme', /"ghcr.io\/acme" looks like a host without a scheme: write oci:\/\/ghcr.io\/acme for a registry, or .\/ghcr.io\/acme for a directory/],
    ['localhost/ns', /looks like a host without a scheme/],
    ['[::1]:5000/ns', /looks like a host without a scheme/],
    ['registry.lan', /looks like a host without a scheme/],
  ])('rejects %j with a UserError naming the input and the allowed forms', (input, message) => {
    expect(() => parseRegistryReference(input, cwd)).toThrow(UserError);
    expect(() => parseRegistryReference(input, cwd)).toThrow(message);
  });

  it('repeats no query value but its own in an error', () => {
    const error = captureError(() => parseRegistryReference('oci://ghcr.io/ns?token=s3cret&insecure=maybe', cwd));
    expect(error.message).toBe(
      'unsupported query "token" in registry reference "oci://ghcr.io/ns?token=***&insecure=maybe": only insecure=true|false and tls=true|false are allowed',
    );
  });

  it('still takes a directory whose path holds an @ (an npm scope)', () => {
    expect(parseRegistryReference('node_modules/@acme/registry', cwd)).toEqual({ kind: 'layout', dir: path.join(cwd, 'node_modules/@acme/registry') });
    expect(parseRegistryReference('file:///srv/@acme/registry', cwd)).toEqual({ kind: 'layout', dir: '/srv/@acme/registry' });
  });

  it('does not leak credentials given in a reference', () => {
    expect(() => parseRegistryReference('oci://user:secret@ghcr.io/ns', cwd)).not.toThrow(/secret/);
    expect(() => parseRegistryReference('https://user:secret@ghcr.io/ns', cwd)).toThrow('"https://***@ghcr.io/ns"');
  });

  it.each([
    ['alice:s3cret@registry.lan/ns', '"***@registry.lan/ns"'],
    ['alice:s3cret@localhost:5000/ns', '"***@localhost:5000/ns"'],
    ['alice:s3cret@ghcr.io', '"***@ghcr.io"'],
    ['oci://alice:s3cret@ghcr.io/ns', '"oci://***@ghcr.io/ns"'],
    // Base64 tokens (ECR's) hold `/`, and passwords may hold `#` or `@`.
    ['oci://alice:s3c/ret@ghcr.io/ns', '"oci://***@ghcr.io/ns"'],
    ['alice:s3c/ret@ghcr.io/ns', '"***@ghcr.io/ns"'],
    ['oci://alice:s3c@ret@ghcr.io/ns', '"oci://***@ghcr.io/ns"'],
  ])('refuses credentials without a scheme too, masked: %s', (input, shown) => {
    const error = captureError(() => parseRegistryReference(input, cwd));
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toContain(`registry reference ${shown} must not carry credentials`);
    expect(error.message).toContain('MODELOS_REGISTRY_USERNAME/MODELOS_REGISTRY_PASSWORD');
    expect(error.message).not.toContain('s3cret');
    expect(error.message).not.toContain('alice');
  });

  it('keeps plain relative paths and existing directories that look like hosts as layouts', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'reference-'));
    try {
      fs.mkdirSync(path.join(root, 'oci.store'));
      expect(parseRegistryReference('oci.store', root)).toEqual({ kind: 'layout', dir: path.join(root, 'oci.store') });
      expect(parseRegistryReference('oci.store/not-yet', root)).toEqual({ kind: 'layout', dir: path.join(root, 'oci.store/not-yet') });
      expect(parseRegistryReference('out/oci', root)).toEqual({ kind: 'layout', dir: path.join(root, 'out/oci') });
      expect(parseRegistryReference('./ghcr.io/acme', root)).toEqual({ kind: 'layout', dir: path.join(root, 'ghcr.io/acme') });
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it('reads a scheme-less host as a remote registry when asked to (mdl arguments)', () => {
    const remote = { schemelessHost: 'remote' } as const;
    expect(parseRegistryReference('ghcr.io/acme', cwd, remote)).toEqual({ kind: 'remote', host: 'ghcr.io', namespace: 'acme', plainHttp: false });
    expect(parseRegistryReference('127.0.0.1:5000/ns', cwd, remote)).toEqual({ kind: 'remote', host: '127.0.0.1:5000', namespace: 'ns', plainHttp: true });
    expect(parseRegistryReference('out/oci', cwd, remote)).toEqual({ kind: 'layout', dir: '/work/ws/out/oci' });
    expect(() => parseRegistryReference('alice:s3cret@ghcr.io/acme', cwd, remote)).toThrow('"***@ghcr.io/acme" must not carry credentials');
  });
});

describe('formatRegistryReference', () => {
  it.each([
    'oci://127.0.0.1:5000/ml-project',
    'oci://localhost:5000',
    'oci://ghcr.io/acme/models',
    'oci://registry.lan/ns?insecure=true',
    'oci://127.0.0.1:5443/ns?tls=true',
    '/srv/oci',
  ])('round-trips %s', (input) => {
    const parsed = parseRegistryReference(input, cwd);
    expect(formatRegistryReference(parsed)).toBe(input);
    expect(parseRegistryReference(formatRegistryReference(parsed), cwd)).toEqual(parsed);
  });
});

describe('resolveRegistry', () => {
  const workspaceRoot = '/work/ws';
  it('prefers the target option, then MODELOS_REGISTRY, then the plugin option, then the embedded default', () => {
    const env = { MODELOS_REGISTRY: 'oci://env.example/ns' };
    expect(resolveRegistry({ option: 'oci://opt.example/ns', env, pluginOption: 'oci://plugin.example', workspaceRoot })).toMatchObject({
      host: 'opt.example',
    });
    expect(resolveRegistry({ env, pluginOption: 'oci://plugin.example', workspaceRoot })).toMatchObject({ host: 'env.example' });
    expect(resolveRegistry({ env: {}, pluginOption: 'oci://plugin.example', workspaceRoot })).toMatchObject({ host: 'plugin.example' });
    expect(resolveRegistry({ env: { MODELOS_REGISTRY: '' }, workspaceRoot })).toEqual({ kind: 'layout', dir: '/work/ws/.modelos/registry' });
  });

  it('refuses a scheme-less host from any source instead of making it a directory', () => {
    expect(() => resolveRegistry({ env: { MODELOS_REGISTRY: 'ghcr.io/acme' }, workspaceRoot })).toThrow('write oci://ghcr.io/acme');
    expect(() => resolveRegistry({ env: {}, pluginOption: 'registry.lan:5000/ns', workspaceRoot })).toThrow(UserError);
  });

  it('resolves relative layout paths against the workspace root', () => {
    expect(resolveRegistry({ option: 'out/oci', env: {}, workspaceRoot })).toEqual({ kind: 'layout', dir: '/work/ws/out/oci' });
  });
});

describe('repository names', () => {
  it('places a resource under the namespace or inside the layout directory', () => {
    expect(repositoryPath({ kind: 'remote', host: 'h', namespace: 'ml-project', plainHttp: false }, 'ham')).toBe('ml-project/ham');
    expect(repositoryPath({ kind: 'remote', host: 'h', namespace: '', plainHttp: false }, 'ham')).toBe('ham');
    expect(repositoryPath({ kind: 'layout', dir: '/r' }, 'ham')).toBe('/r/ham');
    expect(() => repositoryPath({ kind: 'layout', dir: '/r' }, '../ham')).toThrow(/invalid resource repository name "..\/ham"/);
    expect(() => repositoryPath({ kind: 'remote', host: 'h', namespace: 'n'.repeat(252), plainHttp: false }, 'ham')).toThrow(
      /at most 255 characters/,
    );
  });
});

function captureError(run: () => unknown): Error {
  try {
    run();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected an error');
}
