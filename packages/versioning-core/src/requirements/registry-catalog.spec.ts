import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openRepository, parseRegistryReference } from '../oci';
import { pushTinyArtifact } from '../test-support/tiny-artifact';
import { RegistryCatalog } from './registry-catalog';

let work: string;
beforeEach(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'catalog-'));
});
afterEach(() => fs.rmSync(work, { recursive: true, force: true }));

async function catalogOf(registryDir: string, workspaceRoot: string): Promise<RegistryCatalog> {
  const registry = parseRegistryReference(registryDir, workspaceRoot);
  const released = await pushTinyArtifact(openRepository(registry, 'ham'), 'v1.0.0', { 'org.opencontainers.image.version': '1.0.0' });
  expect(released.digest).toMatch(/^sha256:/);
  return new RegistryCatalog(registry, { workspaceRoot, indexDir: path.join(work, 'index') });
}

describe('RegistryCatalog digests, as a lock records them', () => {
  it('names a layout inside the workspace by its path from the workspace root: the lock is the same in every clone', async () => {
    const ws = path.join(work, 'ws');
    const catalog = await catalogOf(path.join(ws, '.modelos', 'registry'), ws);
    expect((await catalog.digests('ham', '1.0.0')).repository).toBe('oci:.modelos/registry/ham');
  });

  it('names a layout elsewhere by its absolute path', async () => {
    const shared = path.join(work, 'shared-registry');
    const catalog = await catalogOf(shared, path.join(work, 'ws'));
    expect((await catalog.digests('ham', '1.0.0')).repository).toBe(`oci:${path.join(shared, 'ham')}`);
  });
});
