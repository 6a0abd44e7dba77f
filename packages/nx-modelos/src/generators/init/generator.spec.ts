import { readNxJson, updateNxJson, type Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { initGenerator } from './generator';

describe('init generator', () => {
  let tree: Tree;
  beforeEach(() => {
    tree = createTreeWithEmptyWorkspace();
  });

  it('registers the plugin with mainBranch taken from defaultBase', async () => {
    updateNxJson(tree, { ...readNxJson(tree), defaultBase: 'trunk' });
    await initGenerator(tree, { skipFormat: true });
    expect(readNxJson(tree)!.plugins).toContainEqual({ plugin: '@modelos/nx', options: { mainBranch: 'trunk' } });
  });

  it('defaults mainBranch to main and stores a given registry', async () => {
    const nxJson = readNxJson(tree)!;
    delete nxJson.defaultBase;
    updateNxJson(tree, nxJson);
    await initGenerator(tree, { registry: 'oci://registry.example.com/ml-project', skipFormat: true });
    expect(readNxJson(tree)!.plugins).toContainEqual({
      plugin: '@modelos/nx',
      options: { registry: 'oci://registry.example.com/ml-project', mainBranch: 'main' },
    });
  });

  it('is idempotent and leaves an existing entry and its options alone', async () => {
    updateNxJson(tree, { ...readNxJson(tree), plugins: ['@nx/js/typescript', { plugin: '@modelos/nx', options: { registry: 'x' } }] });
    await initGenerator(tree, { skipFormat: true });
    await initGenerator(tree, { skipFormat: true });
    expect(readNxJson(tree)!.plugins).toEqual(['@nx/js/typescript', { plugin: '@modelos/nx', options: { registry: 'x' } }]);
  });

  it('git-ignores the interface cache and the embedded registry once', async () => {
    tree.write('.gitignore', 'node_modules\n/.modelos/cache');
    await initGenerator(tree, { skipFormat: true });
    await initGenerator(tree, { skipFormat: true });
    const lines = tree.read('.gitignore', 'utf-8')!.split('\n');
    expect(lines.filter((l) => l.includes('.modelos/cache'))).toHaveLength(1);
    expect(lines).toContain('/.modelos/registry');
    expect(lines[0]).toBe('node_modules');
  });

  it('creates .gitignore when there is none and respects a whole-directory rule', async () => {
    tree.delete('.gitignore');
    await initGenerator(tree, { skipFormat: true });
    expect(tree.read('.gitignore', 'utf-8')).toBe('# ModelOS: interface cache and embedded OCI registry\n/.modelos/cache\n/.modelos/registry\n');
    tree.write('.gitignore', '.modelos/\n');
    await initGenerator(tree, { skipFormat: true });
    expect(tree.read('.gitignore', 'utf-8')).toBe('.modelos/\n');
  });

  it('writes --registry, --mainBranch and --npmScope as plugin options, and a second run changes nothing', async () => {
    const options = { registry: 'oci://registry.example.com/ml-project', mainBranch: 'trunk', npmScope: '@ml-project', skipFormat: true };
    await initGenerator(tree, options);
    expect(readNxJson(tree)!.plugins).toContainEqual({
      plugin: '@modelos/nx',
      options: { registry: 'oci://registry.example.com/ml-project', mainBranch: 'trunk', npmScope: 'ml-project' },
    });
    const written = tree.listChanges().map((change) => [change.path, change.content?.toString()]);
    await initGenerator(tree, options);
    expect(tree.listChanges().map((change) => [change.path, change.content?.toString()])).toEqual(written);
  });

  it('writes options given on a later run into the existing entry and keeps the others', async () => {
    updateNxJson(tree, { ...readNxJson(tree), plugins: [{ plugin: '@modelos/nx', options: { registry: 'x', mainBranch: 'main' } }] });
    await initGenerator(tree, { npmScope: 'acme', skipFormat: true });
    expect(readNxJson(tree)!.plugins).toEqual([{ plugin: '@modelos/nx', options: { registry: 'x', mainBranch: 'main', npmScope: 'acme' } }]);
  });

  it('refuses an npm scope npm would refuse, writing nothing', async () => {
    const before = tree.listChanges().map((change) => change.path);
    await expect(initGenerator(tree, { npmScope: 'ML Project', skipFormat: true })).rejects.toThrow(
      '--npmScope "ML Project" cannot scope npm packages',
    );
    expect(tree.listChanges().map((change) => change.path)).toEqual(before);
  });

  it('refuses a main branch git would refuse, writing nothing', async () => {
    const before = readNxJson(tree);
    await expect(initGenerator(tree, { mainBranch: 'my main', skipFormat: true })).rejects.toThrow(
      'nx.json: the options of @modelos/nx: "mainBranch" is "my main", which git would not take as a branch name',
    );
    expect(readNxJson(tree)).toEqual(before);
  });

  it('refuses a registry reference every command would refuse, writing nothing', async () => {
    const before = readNxJson(tree);
    await expect(initGenerator(tree, { registry: 'oci://', skipFormat: true })).rejects.toThrow('invalid registry host "" in "oci://": expected host[:port]');
    await expect(initGenerator(tree, { registry: 'http://x/y', skipFormat: true })).rejects.toThrow('unsupported registry reference "http://x/y": use oci://host[:port]/namespace');
    await expect(initGenerator(tree, { registry: 'ghcr.io/acme', skipFormat: true })).rejects.toThrow(
      'registry reference "ghcr.io/acme" looks like a host without a scheme: write oci://ghcr.io/acme for a registry, or ./ghcr.io/acme for a directory',
    );
    expect(readNxJson(tree)).toEqual(before);
  });
});
