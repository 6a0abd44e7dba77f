import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { UserError } from '../errors';
import { parsePackageRef } from './package-ref';

const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'package-ref-'));
afterAll(() => fs.rmSync(cwd, { recursive: true, force: true }));

describe('parsePackageRef', () => {
  it('reads the seed form: a host, a namespace and the floating client tag', () => {
    expect(parsePackageRef('acme.org/ml-project:ham-client-v1', cwd)).toEqual({
      registry: { kind: 'remote', host: 'acme.org', namespace: 'ml-project', plainHttp: false },
      resource: 'ham',
      kind: 'client',
      tag: 'client-v1',
      major: 1,
    });
  });

  it('keeps the port of host:port and reads a server package version', () => {
    expect(parsePackageRef('127.0.0.1:5000/ml-project:ham-pkg-v1.2.1', cwd)).toMatchObject({
      registry: { kind: 'remote', host: '127.0.0.1:5000', namespace: 'ml-project', plainHttp: true },
      resource: 'ham',
      kind: 'server',
      tag: 'pkg-v1.2.1',
      version: { major: 1, minor: 2, patch: 1, prerelease: [] },
    });
  });

  it('takes oci:// references, nested namespaces and exact client versions', () => {
    expect(parsePackageRef('oci://registry.example.com:8443/acme/ml:ham-client-v2.0.1-rc.1', cwd)).toMatchObject({
      registry: { kind: 'remote', host: 'registry.example.com:8443', namespace: 'acme/ml' },
      kind: 'client',
      tag: 'client-v2.0.1-rc.1',
    });
  });

  it('splits at the last colon that a <resource>-(client|pkg)-v… follows, so resource names may hold dashes', () => {
    expect(parsePackageRef('localhost:5000/ns:smoked-ham-client-v3', cwd)).toMatchObject({ resource: 'smoked-ham', tag: 'client-v3' });
    expect(parsePackageRef('localhost:5000/ns:ham-client-pkg-v1.0.0', cwd)).toMatchObject({ resource: 'ham-client', kind: 'server' });
  });

  it('refuses credentials in a package reference without repeating them', () => {
    expect(() => parsePackageRef('alice:s3cret@acme.org/ml-project:ham-client-v1', cwd)).toThrow('"***@acme.org/ml-project" must not carry credentials');
    expect(() => parsePackageRef('alice:s3cret@acme.org/ml-project:ham', cwd)).toThrow('invalid package reference "***@acme.org/ml-project:ham"');
  });

  it('reads a layout directory, relative to cwd, or a file: URL', () => {
    expect(parsePackageRef('.modelos/registry:ham-client-v1', cwd)).toMatchObject({
      registry: { kind: 'layout', dir: path.join(cwd, '.modelos/registry') },
      resource: 'ham',
      tag: 'client-v1',
    });
    expect(parsePackageRef(`file://${cwd}/reg:ham-pkg-v1.0.0`, '/')).toMatchObject({ registry: { kind: 'layout', dir: `${cwd}/reg` } });
  });

  it.each([
    ['acme.org/ml-project:ham', 'invalid package reference'],
    ['acme.org/ml-project:ham-v1', 'invalid package reference'],
    ['ham-client-v1', 'invalid package reference'],
    ['acme.org/ml-project:Ham-client-v1', 'invalid package reference'],
    ['acme.org/ml-project:ham-pkg-v1', 'invalid version "v1" in package reference'],
    ['acme.org/ml-project:ham-client-v01', 'invalid version "v01"'],
    ['acme.org/ml-project:ham-pkg-v1.2.3+build', 'invalid version'],
    ['ftp://acme.org/ml:ham-client-v1', 'unsupported registry reference'],
  ])('refuses %s with a UserError that shows what is allowed', (ref, message) => {
    const error = (() => {
      try {
        parsePackageRef(ref, cwd);
      } catch (err) {
        return err as Error;
      }
      throw new Error(`${ref} was accepted`);
    })();
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toContain(message);
    expect(error.message).not.toContain('\n');
  });
});
