import { extractInterface } from '@modelos/versioning-core';
import { addDependenciesToPackageJson, readJson, readNxJson, readProjectConfiguration, updateJson, updateNxJson, type Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { libraryGenerator } from '@nx/js';
import { validateOptsAgainstSchema, type Schema } from 'nx/src/utils/params';
import { posix } from 'node:path';
import initSchema from '../init/schema.json';
import { initGenerator } from '../init/generator';
import { resourceGenerator } from './generator';
import resourceSchema from './schema.json';
import { treeSourceFiles } from './tree-source-files';
import { workspaceLints, workspaceUnitTestRunner } from './workspace-conventions';

/** Every path and content the tree holds beyond the disk: what a generator run would write. */
function changes(tree: Tree): Array<[string, string, string | undefined]> {
  return tree.listChanges().map((change) => [change.path, change.type, change.content?.toString('utf8')]);
}

function interfaceOf(tree: Tree, projectRoot: string) {
  const config = readJson(tree, `${projectRoot}/resource.json`);
  return extractInterface({ entryFile: posix.join(tree.root, projectRoot, config.entry), className: config.class, files: treeSourceFiles(tree) });
}

// The first test loads @nx/js and @nx/jest, which takes a few seconds on a busy machine.
jest.setTimeout(60_000);

describe('resource generator: a new resource', () => {
  let tree: Tree;
  beforeEach(() => {
    tree = createTreeWithEmptyWorkspace({ formatter: 'none' });
  });

  it('composes @nx/js:library with jest: tsconfigs, a test setup, the class, its spec and resource.json', async () => {
    await resourceGenerator(tree, { name: 'ham', skipFormat: true });
    for (const file of ['tsconfig.json', 'tsconfig.lib.json', 'tsconfig.spec.json', 'src/index.ts']) expect(tree.exists(`ham/${file}`)).toBe(true);
    expect(tree.children('ham').some((file) => /^jest\.config\.c?ts$/.test(file))).toBe(true);
    // ts-node compiles jest.config.cts with this tsconfig; TypeScript 6 (@nx/js's default) needs both.
    expect(readJson(tree, 'ham/tsconfig.json')['ts-node']).toEqual({ compilerOptions: { types: ['node'], moduleResolution: 'bundler' } });
    expect(readJson(tree, 'package.json').devDependencies).toEqual(
      expect.objectContaining({ '@nx/js': expect.any(String), '@nx/jest': expect.any(String), jest: expect.any(String) }),
    );
    expect(readJson(tree, 'ham/resource.json')).toEqual({ formatVersion: '1', entry: 'src/index.ts', class: 'Ham', requires: {} });
    expect(tree.read('ham/src/lib/ham.ts', 'utf-8')).toContain('export class Ham {');
    expect(tree.read('ham/src/lib/ham.spec.ts', 'utf-8')).toContain("import { Ham } from './ham';");
    expect(readProjectConfiguration(tree, 'ham')).toMatchObject({ name: 'ham', root: 'ham', projectType: 'library' });
    // The workspace does not lint: no linter is set up for the new project either.
    expect(tree.children('ham').filter((file) => file.includes('eslint'))).toEqual([]);
  });

  it('leaves module resolution to a TypeScript 5 workspace, where bundler resolution with CommonJS is an error', async () => {
    addDependenciesToPackageJson(tree, {}, { typescript: '5.9.3' });
    await resourceGenerator(tree, { name: 'ham', skipFormat: true });
    expect(readJson(tree, 'ham/tsconfig.json')['ts-node']).toEqual({ compilerOptions: { types: ['node'] } });
  });

  it('writes a resource whose entry exports the class the engine describes', async () => {
    await resourceGenerator(tree, { name: 'price-model', directory: 'libs/models/price', skipFormat: true });
    const descriptor = interfaceOf(tree, 'libs/models/price');
    expect(descriptor.className).toBe('PriceModel');
    expect(descriptor.methods.map((method) => method.name)).toEqual(['bake']);
    expect(descriptor.staticMethods.map((method) => method.name)).toEqual(['getTemp']);
    expect(descriptor.constructors[0].parameters.map((parameter) => parameter.type)).toEqual(['string', 'number', 'boolean']);
  });

  it('places the project under the workspace libsDir by default', async () => {
    updateNxJson(tree, { ...readNxJson(tree), workspaceLayout: { appsDir: 'apps', libsDir: 'packages' } });
    await resourceGenerator(tree, { name: 'Ham', skipFormat: true });
    expect(readProjectConfiguration(tree, 'ham').root).toBe('packages/ham');
    expect(tree.exists('packages/ham/src/lib/ham.ts')).toBe(true);
  });

  it('takes --tags, --unitTestRunner none and --metrics', async () => {
    await resourceGenerator(tree, { name: 'ham', tags: 'scope:ml,type:resource', unitTestRunner: 'none', metrics: true, skipFormat: true });
    expect(readProjectConfiguration(tree, 'ham').tags).toEqual(['scope:ml', 'type:resource']);
    expect(tree.exists('ham/src/lib/ham.spec.ts')).toBe(false);
    expect(tree.exists('ham/tsconfig.spec.json')).toBe(false);
    expect(readJson(tree, 'package.json').devDependencies?.jest).toBeUndefined();
    expect(readJson(tree, 'ham/resource.json').metricsFile).toBe('metrics.json');
    expect(readJson(tree, 'ham/metrics.json')).toEqual({});
  });

  it('registers the plugin so that the new project gets its targets', async () => {
    await resourceGenerator(tree, { name: 'ham', skipFormat: true });
    expect(readNxJson(tree)!.plugins).toContainEqual(expect.objectContaining({ plugin: '@modelos/nx' }));
  });

  it('refuses a name that cannot be a registry repository, writing nothing', async () => {
    const before = changes(tree);
    await expect(resourceGenerator(tree, { name: '@acme/ham', skipFormat: true })).rejects.toThrow(/cannot name a registry repository/);
    expect(changes(tree)).toEqual(before);
  });

  it('refuses an existing project or a directory in use, writing nothing', async () => {
    await resourceGenerator(tree, { name: 'ham', skipFormat: true });
    const before = changes(tree);
    await expect(resourceGenerator(tree, { name: 'ham', skipFormat: true })).rejects.toThrow(
      'a project named "ham" exists already; to make it a resource, run with --project ham --class <Class>',
    );
    await expect(resourceGenerator(tree, { name: 'eggs', directory: 'ham', skipFormat: true })).rejects.toThrow('ham is not empty');
    expect(changes(tree)).toEqual(before);
  });

  it('refuses a name whose class would shadow a JavaScript global, or that every object has, writing nothing', async () => {
    const before = changes(tree);
    await expect(resourceGenerator(tree, { name: 'object', skipFormat: true })).rejects.toThrow(
      'resource name "object" would make the class Object, which shadows JavaScript\'s global Object',
    );
    await expect(resourceGenerator(tree, { name: 'array-buffer', skipFormat: true })).rejects.toThrow('the class ArrayBuffer');
    await expect(resourceGenerator(tree, { name: 'buffer', skipFormat: true })).rejects.toThrow('the class Buffer');
    await expect(resourceGenerator(tree, { name: 'constructor', skipFormat: true })).rejects.toThrow(
      'resource name "constructor" is a property of every JavaScript object, which Nx cannot take as a project name',
    );
    expect(changes(tree)).toEqual(before);
  });

  it('refuses a --directory outside the workspace or inside another project, writing nothing', async () => {
    await resourceGenerator(tree, { name: 'ham', directory: 'libs/ham', skipFormat: true });
    const before = changes(tree);
    await expect(resourceGenerator(tree, { name: 'eggs', directory: '/tmp/abs', skipFormat: true })).rejects.toThrow(
      '--directory "/tmp/abs" is not inside the workspace: give a directory relative to the workspace root, e.g. libs/eggs',
    );
    await expect(resourceGenerator(tree, { name: 'eggs', directory: '../eggs', skipFormat: true })).rejects.toThrow('is not inside the workspace');
    await expect(resourceGenerator(tree, { name: 'eggs', directory: 'libs/ham/src/nested', skipFormat: true })).rejects.toThrow(
      'libs/ham/src/nested is inside the project ham (libs/ham): give the resource a --directory outside every project',
    );
    expect(changes(tree)).toEqual(before);
    // A sibling whose name starts like the project's root is not inside it.
    await resourceGenerator(tree, { name: 'eggs', directory: 'libs/ham-eggs', skipFormat: true });
    expect(readProjectConfiguration(tree, 'eggs').root).toBe('libs/ham-eggs');
  });

  it('refuses options its schema does not have, as Nx validates them (a misspelt --directory is not ignored)', () => {
    for (const schema of [resourceSchema, initSchema] as Schema[]) {
      expect(() => validateOptsAgainstSchema({ directroy: 'libs/x' }, schema)).toThrow("'directroy' is not found in schema");
    }
  });
});

describe('workspace conventions', () => {
  let tree: Tree;
  beforeEach(() => {
    tree = createTreeWithEmptyWorkspace({ formatter: 'none' });
  });

  it('follows the test runner the workspace has, jest when none', () => {
    expect(workspaceUnitTestRunner(tree)).toBe('jest');
    addDependenciesToPackageJson(tree, {}, { vitest: '^4.0.0' });
    expect(workspaceUnitTestRunner(tree)).toBe('vitest');
    updateNxJson(tree, { ...readNxJson(tree), plugins: ['@nx/jest/plugin'] });
    expect(workspaceUnitTestRunner(tree)).toBe('jest');
  });

  it('lints when ESLint or Oxlint is set up', () => {
    expect(workspaceLints(tree)).toBe(false);
    updateNxJson(tree, { ...readNxJson(tree), plugins: [{ plugin: '@nx/eslint/plugin', options: {} }] });
    expect(workspaceLints(tree)).toBe(true);
  });
});

describe('resource generator: --project converts an existing library', () => {
  let tree: Tree;
  beforeEach(async () => {
    tree = createTreeWithEmptyWorkspace({ formatter: 'none' });
    await libraryGenerator(tree, { directory: 'libs/eggs-lib', name: 'eggs-lib', unitTestRunner: 'none', linter: 'none', skipFormat: true });
    tree.write('libs/eggs-lib/src/lib/eggs.ts', 'export class Eggs {\n  constructor(private readonly count: number) {}\n  boil(minutes: number): string {\n    return `${this.count} eggs, ${minutes} min`;\n  }\n}\n');
    tree.write('libs/eggs-lib/src/index.ts', "export * from './lib/eggs-lib';\nexport { Eggs } from './lib/eggs';\n");
    await initGenerator(tree, { skipFormat: true });
  });

  it('writes resource.json for the exported class and changes nothing else', async () => {
    const before = changes(tree);
    await resourceGenerator(tree, { project: 'eggs-lib', class: 'Eggs', skipFormat: true });
    expect(changes(tree).filter((change) => !before.some((old) => old[0] === change[0] && old[2] === change[2]))).toEqual([
      ['libs/eggs-lib/resource.json', 'CREATE', expect.any(String)],
    ]);
    expect(readJson(tree, 'libs/eggs-lib/resource.json')).toEqual({ formatVersion: '1', entry: 'src/index.ts', class: 'Eggs', requires: {} });
    expect(interfaceOf(tree, 'libs/eggs-lib').methods.map((method) => method.name)).toEqual(['boil']);
  });

  it('takes --entry and --metrics', async () => {
    await resourceGenerator(tree, { project: 'eggs-lib', class: 'Eggs', entry: 'src/lib/eggs.ts', metrics: true, skipFormat: true });
    expect(readJson(tree, 'libs/eggs-lib/resource.json')).toMatchObject({ entry: 'src/lib/eggs.ts', metricsFile: 'metrics.json' });
    expect(tree.exists('libs/eggs-lib/metrics.json')).toBe(true);
  });

  it('refuses, in one line and writing nothing, a class the entry does not export', async () => {
    tree.write('libs/eggs-lib/src/lib/bacon.ts', 'class Bacon {}\nexport const crisp = true;\n');
    tree.write('libs/eggs-lib/src/index.ts', "export * from './lib/bacon';\n");
    const before = changes(tree);
    const refusal = resourceGenerator(tree, { project: 'eggs-lib', class: 'Bacon', skipFormat: true });
    await expect(refusal).rejects.toThrow(
      'cannot make a resource of it: class "Bacon" is not exported by libs/eggs-lib/src/index.ts: the resource\'s class must be an exported class of its entry file',
    );
    await expect(resourceGenerator(tree, { project: 'eggs-lib', class: 'Eggs', entry: 'src/missing.ts', skipFormat: true })).rejects.toThrow(
      'cannot read libs/eggs-lib/src/missing.ts',
    );
    expect(changes(tree)).toEqual(before);
  });

  it('refuses, writing nothing, a project whose name cannot name a registry repository (npm-scoped)', async () => {
    updateJson(tree, 'libs/eggs-lib/project.json', (project) => ({ ...project, name: '@proj/eggs-lib' }));
    const before = changes(tree);
    await expect(resourceGenerator(tree, { project: '@proj/eggs-lib', class: 'Eggs', skipFormat: true })).rejects.toThrow(
      'project name "@proj/eggs-lib" cannot name a registry repository (a resource\'s repository is <namespace>/<project name>): give the project a name of lowercase letters and digits separated by ".", "_" or "-" ("name" in its project.json, or "nx": { "name": … } in its package.json), e.g. eggs-lib',
    );
    expect(changes(tree)).toEqual(before);
  });

  it('refuses an unknown project, a missing class, and a project that is a resource already', async () => {
    await expect(resourceGenerator(tree, { project: 'nope', class: 'Eggs', skipFormat: true })).rejects.toThrow('no project named "nope"');
    await expect(resourceGenerator(tree, { project: 'eggs-lib', skipFormat: true })).rejects.toThrow('--class must name the exported class');
    await resourceGenerator(tree, { project: 'eggs-lib', class: 'Eggs', skipFormat: true });
    await expect(resourceGenerator(tree, { project: 'eggs-lib', class: 'Eggs', skipFormat: true })).rejects.toThrow(
      'libs/eggs-lib/resource.json exists already',
    );
  });
});
