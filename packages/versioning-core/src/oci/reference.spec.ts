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
    ['oci://ghcr.io/ns?tls=off', /unsupported query "tls=off".*only insecure=true\|false/],
    ['https://ghcr.io/ns', /unsupported registry reference "https:\/\/ghcr.io\/ns": use oci:\/\//],
    ['file:relative/dir', /file: URL "file:relative\/dir" must be absolute/],
    ['localhost:5000/ns', /looks like a host without a scheme: write oci:\/\/localhost:5000\/ns/],
  ])('rejects %j with a UserError naming the input and the allowed forms', (input, message) => {
    expect(() => parseRegistryReference(input, cwd)).toThrow(UserError);
    expect(() => parseRegistryReference(input, cwd)).toThrow(message);
  });

  it('does not leak credentials given in a reference', () => {
    expect(() => parseRegistryReference('oci://user:secret@ghcr.io/ns', cwd)).not.toThrow(/secret/);
    expect(() => parseRegistryReference('https://user:secret@ghcr.io/ns', cwd)).toThrow('"https://***@ghcr.io/ns"');
  });
});

describe('formatRegistryReference', () => {
  it.each([
    'oci://127.0.0.1:5000/ml-project',
    'oci://localhost:5000',
    'oci://ghcr.io/acme/models',
    'oci://registry.lan/ns?insecure=true',
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
