import * as path from 'node:path';
import { parseRepositoryArgument, parseRepositoryTagArgument } from './repository-argument';

describe('parseRepositoryArgument (mdl versions/releases)', () => {
  const cwd = '/work/project';

  it('reads remote repositories with and without oci://, the last segment being the resource', () => {
    const remote = { kind: 'remote', host: '127.0.0.1:5000', namespace: 'ml-project', plainHttp: true };
    expect(parseRepositoryArgument('oci://127.0.0.1:5000/ml-project/ham', cwd)).toEqual({ registry: remote, name: 'ham' });
    expect(parseRepositoryArgument('127.0.0.1:5000/ml-project/ham/', cwd)).toEqual({ registry: remote, name: 'ham' });
    expect(parseRepositoryArgument('ghcr.io/acme/ml/ham', cwd)).toEqual({
      registry: { kind: 'remote', host: 'ghcr.io', namespace: 'acme/ml', plainHttp: false },
      name: 'ham',
    });
  });

  it('reads image layouts by path', () => {
    expect(parseRepositoryArgument('.modelos/registry/ham', cwd)).toEqual({ registry: { kind: 'layout', dir: path.join(cwd, '.modelos/registry') }, name: 'ham' });
    expect(parseRepositoryArgument('/srv/registry/ham', cwd)).toEqual({ registry: { kind: 'layout', dir: '/srv/registry' }, name: 'ham' });
  });

  it('refuses credentials in the argument without repeating them', () => {
    expect(() => parseRepositoryArgument('alice:s3cret@registry.lan/ns/ham', cwd)).toThrow('"***@registry.lan/ns" must not carry credentials');
    expect(() => parseRepositoryArgument('alice:s3cret@registry.lan/ns/ham', cwd)).not.toThrow(/s3cret/);
  });

  it('keeps ?insecure=true for the registry, with or without a tag', () => {
    const plain = { kind: 'remote', host: 'registry.lan:5000', namespace: 'ml', plainHttp: true };
    expect(parseRepositoryArgument('oci://registry.lan:5000/ml/ham?insecure=true', cwd)).toEqual({ registry: plain, name: 'ham' });
    expect(parseRepositoryTagArgument('registry.lan:5000/ml/ham:v1.0.0?insecure=true', cwd)).toEqual({ registry: plain, name: 'ham', tag: 'v1.0.0' });
  });

  it('repeats no credentials when an argument names no tag or no resource', () => {
    for (const attempt of [() => parseRepositoryTagArgument('oci://user:s3cret@acme.org/ml/ham', cwd), () => parseRepositoryArgument('user:s3cret@acme.org', cwd)]) {
      expect(attempt).toThrow(/\*\*\*@acme\.org/);
      expect(attempt).not.toThrow(/s3cret/);
    }
  });

  it('refuses an argument without a resource, and unknown schemes', () => {
    expect(() => parseRepositoryArgument('ham', cwd)).toThrow('repository "ham" has no resource name');
    expect(() => parseRepositoryArgument('ftp://host/ns/ham', cwd)).toThrow('unsupported registry reference "ftp://host/ns"');
  });
});
