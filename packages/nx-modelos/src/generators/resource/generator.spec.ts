import { readNxJson, readProjectConfiguration, updateNxJson, type Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { readResourceConfig } from '@modelos/versioning-core';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { resourceGenerator } from './generator';

describe('resource generator', () => {
  let tree: Tree;
  beforeEach(() => {
    tree = createTreeWithEmptyWorkspace();
  });

  it('scaffolds resource.json, the class, its test and the project', async () => {
    await resourceGenerator(tree, { name: 'ham', skipFormat: true });
    expect(JSON.parse(tree.read('ham/resource.json', 'utf-8')!)).toEqual({
      formatVersion: '1',
      entry: 'src/ham.ts',
      class: 'Ham',
      requires: {},
    });
    const source = tree.read('ham/src/ham.ts', 'utf-8')!;
    expect(source).toContain('export class Ham {');
    expect(source).toMatch(/constructor\(\s*private readonly a: string,\s*private readonly b: number,\s*private readonly c: boolean,?\s*\)/);
    expect(source).toContain('bake(temp: number): string {');
    expect(source).toContain('static getTemp(): number {');
    expect(tree.read('ham/src/ham.spec.ts', 'utf-8')).toContain("import { Ham } from './ham';");
    expect(readProjectConfiguration(tree, 'ham')).toMatchObject({
      name: 'ham',
      root: 'ham',
      sourceRoot: 'ham/src',
      projectType: 'library',
    });
  });

  it('writes a resource.json that the engine accepts', async () => {
    await resourceGenerator(tree, { name: 'price-model', directory: 'libs/models/price', skipFormat: true });
    const dir = mkdtempSync(join(tmpdir(), 'modelos-generator-'));
    try {
      for (const file of ['resource.json', 'src/price-model.ts']) {
        const target = join(dir, file);
        mkdirSync(dirname(target), { recursive: true });
        writeFileSync(target, tree.read(`libs/models/price/${file}`)!);
      }
      expect(readResourceConfig(dir)).toEqual({
        formatVersion: '1',
        entry: 'src/price-model.ts',
        class: 'PriceModel',
        requires: {},
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('places the project under the workspace libsDir by default', async () => {
    updateNxJson(tree, { ...readNxJson(tree), workspaceLayout: { appsDir: 'apps', libsDir: 'packages' } });
    await resourceGenerator(tree, { name: 'Ham', skipFormat: true });
    expect(readProjectConfiguration(tree, 'ham').root).toBe('packages/ham');
    expect(tree.exists('packages/ham/src/ham.ts')).toBe(true);
  });

  it('registers the plugin so that the new project gets its targets', async () => {
    await resourceGenerator(tree, { name: 'ham', skipFormat: true });
    expect(readNxJson(tree)!.plugins).toContainEqual(expect.objectContaining({ plugin: '@modelos/nx' }));
  });

  it('refuses a name that cannot be a registry repository', async () => {
    const before = tree.listChanges().map((change) => change.path);
    await expect(resourceGenerator(tree, { name: '@acme/ham', skipFormat: true })).rejects.toThrow(/cannot name a registry repository/);
    expect(tree.listChanges().map((change) => change.path)).toEqual(before);
  });

  it('refuses to overwrite an existing project', async () => {
    await resourceGenerator(tree, { name: 'ham', skipFormat: true });
    await expect(resourceGenerator(tree, { name: 'ham', skipFormat: true })).rejects.toThrow(/ham/);
  });
});
