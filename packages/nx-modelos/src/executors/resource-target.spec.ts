import { UserError } from '@modelos/versioning-core';
import { ExecutorWorkspace } from '../test-support/executor-workspace';
import { resolveResourceTarget } from './resource-target';

let ws: ExecutorWorkspace;
const savedRegistry = process.env.MODELOS_REGISTRY;
beforeAll(() => {
  ws = new ExecutorWorkspace();
  delete process.env.MODELOS_REGISTRY;
});
afterAll(() => {
  ws.remove();
  if (savedRegistry !== undefined) process.env.MODELOS_REGISTRY = savedRegistry;
});

const withPlugin = (options: Record<string, unknown>) => ws.context({ plugins: [{ plugin: '@modelos/nx', options }] });

describe('resolveResourceTarget', () => {
  it('takes plain HTTP to a non-loopback registry from the plugin option insecure: true (SPEC §3)', () => {
    const target = resolveResourceTarget(undefined, withPlugin({ registry: 'oci://registry.lan:5000/ml', insecure: true }));
    expect(target.registry).toEqual({ kind: 'remote', host: 'registry.lan:5000', namespace: 'ml', plainHttp: true });
    // It applies to the registry whichever source names it.
    expect(resolveResourceTarget('oci://other.lan/ml', withPlugin({ insecure: true })).registry).toMatchObject({ plainHttp: true });
  });

  it('uses TLS without it, and still honours ?insecure=true', () => {
    expect(resolveResourceTarget(undefined, withPlugin({ registry: 'oci://registry.lan:5000/ml' })).registry).toMatchObject({ plainHttp: false });
    expect(resolveResourceTarget(undefined, withPlugin({ registry: 'oci://registry.lan:5000/ml?insecure=true' })).registry).toMatchObject({
      plainHttp: true,
    });
  });

  it('hands core the resource and its closure', () => {
    expect(resolveResourceTarget(undefined, ws.context())).toMatchObject({
      workspaceRoot: ws.root,
      resource: { name: 'ham', root: 'ham' },
      closure: [
        { name: 'ham', root: 'ham' },
        { name: 'eggs', root: 'libs/eggs' },
      ],
      registry: { kind: 'layout' },
    });
  });

  it('refuses a plugin registry without a scheme instead of making it a directory', () => {
    expect(() => resolveResourceTarget(undefined, withPlugin({ registry: 'ghcr.io/acme' }))).toThrow(UserError);
    expect(() => resolveResourceTarget(undefined, withPlugin({ registry: 'ghcr.io/acme' }))).toThrow('write oci://ghcr.io/acme');
  });
});
