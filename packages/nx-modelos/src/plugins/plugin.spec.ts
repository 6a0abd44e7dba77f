import { AggregateCreateNodesError, type CreateNodesContext } from '@nx/devkit';
import { workspaceDataDirectory } from '@nx/devkit/internal';
import { hashArray } from 'nx/src/hasher/file-hasher';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createNodes, createNodesV2 } from './plugin';

const HAM = { formatVersion: '1', entry: 'src/ham.ts', class: 'Ham', requires: {} };

describe('createNodes', () => {
  let root: string;
  let context: CreateNodesContext;
  const write = (file: string, content: unknown) => {
    mkdirSync(dirname(join(root, file)), { recursive: true });
    writeFileSync(join(root, file), typeof content === 'string' ? content : JSON.stringify(content));
  };
  const infer = (files: string[], options = {}) => createNodes[1](files, options, context);

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'modelos-plugin-'));
    context = { workspaceRoot: root, nxJsonConfiguration: {} };
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('matches resource.json files and is exported under both names', () => {
    expect(createNodes[0]).toBe('**/resource.json');
    expect(createNodesV2).toBe(createNodes);
  });

  it('infers a cacheable pack target whose inputs are the closure files and the plugin version, and registry targets that are not cacheable', async () => {
    write('libs/ham/resource.json', HAM);
    write('libs/ham/project.json', { name: 'ham' });
    const [[file, result]] = await infer(['libs/ham/resource.json']);
    expect(file).toBe('libs/ham/resource.json');
    const project = result.projects!['libs/ham'];
    expect(project.name).toBeUndefined();
    expect(project.metadata).toEqual({ technologies: ['modelos'], targetGroups: { ModelOS: ['pack', 'store', 'versions', 'release', 'releases', 'clean', 'describe', 'compare', 'promote', 'rollback', 'traffic', 'environments', 'resolve', 'report'] } });
    expect(project.targets).toMatchObject({
      pack: {
        executor: '@modelos/nx:pack',
        cache: true,
        inputs: ['{projectRoot}/**/*', '^{projectRoot}/**/*', { externalDependencies: ['@modelos/nx'] }],
        outputs: ['{workspaceRoot}/dist/modelos/{projectName}/pack.json', '{workspaceRoot}/dist/modelos/{projectName}/layers'],
      },
      store: {
        executor: '@modelos/nx:store',
        dependsOn: ['pack'],
        metadata: { description: expect.stringContaining('adhoc version') },
      },
      versions: {
        executor: '@modelos/nx:versions',
        metadata: { description: expect.stringContaining('versions') },
      },
    });
    // Nx caches only what says `cache: true`; every key is a source-map entry Nx keeps and ships.
    for (const target of ['store', 'versions', 'release', 'releases', 'clean', 'describe', 'compare', 'promote', 'rollback', 'traffic', 'environments', 'resolve', 'report']) {
      expect(Object.keys(project.targets![target]).sort()).toEqual(target === 'store' || target === 'release' ? ['dependsOn', 'executor', 'metadata'] : ['executor', 'metadata']);
      expect(project.targets![target]).toEqual(expect.objectContaining({ executor: `@modelos/nx:${target}`, metadata: { description: expect.any(String) } }));
    }
    expect(project.targets!.release.dependsOn).toEqual(['pack']);
    expect(project.targets!.versions.dependsOn).toBeUndefined();
  });

  it('names the project after its directory unless project.json or package.json names it', async () => {
    write('models/ham/resource.json', HAM);
    write('models/bacon/resource.json', { ...HAM, class: 'Bacon' });
    write('models/bacon/package.json', { name: '@acme/bacon' });
    write('models/eggs/resource.json', { ...HAM, class: 'Eggs' });
    write('models/eggs/package.json', { version: '1.0.0' });
    const results = await infer(['models/ham/resource.json', 'models/bacon/resource.json', 'models/eggs/resource.json']);
    const names = results.map(([, r]) => Object.values(r.projects!)[0].name);
    expect(names).toEqual(['ham', undefined, 'eggs']);
  });

  it('uses the configured target names', async () => {
    write('ham/resource.json', HAM);
    const [[, result]] = await infer(['ham/resource.json'], {
      packTargetName: 'mdl-pack',
      storeTargetName: 'mdl-store',
      versionsTargetName: 'mdl-versions',
      releaseTargetName: 'mdl-release',
    });
    expect(Object.keys(result.projects!.ham.targets!)).toEqual(['mdl-pack', 'mdl-store', 'mdl-versions', 'mdl-release', 'releases', 'clean', 'describe', 'compare', 'promote', 'rollback', 'traffic', 'environments', 'resolve', 'report']);
    expect(result.projects!.ham.targets!['mdl-store']).toMatchObject({ executor: '@modelos/nx:store', dependsOn: ['mdl-pack'] });
  });

  it('reports a bad resource.json naming the file and the field, and still infers the good ones', async () => {
    write('ham/resource.json', HAM);
    write('broken/resource.json', { ...HAM, entry: '../outside.ts' });
    const error = await Promise.resolve(infer(['ham/resource.json', 'broken/resource.json'])).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AggregateCreateNodesError);
    const { errors, partialResults } = error as AggregateCreateNodesError;
    expect(errors).toHaveLength(1);
    expect(errors[0][0]).toBe('broken/resource.json');
    expect(errors[0][1].message).toContain(join(root, 'broken', 'resource.json'));
    expect(errors[0][1].message).toContain('"entry"');
    expect(partialResults.map(([file]) => file)).toEqual(['ham/resource.json']);
  });

  it('remembers valid resource.json contents per plugin version and infers nodes anew, so changed options and contents count', async () => {
    const { version } = JSON.parse(readFileSync(join(__dirname, '../../package.json'), 'utf8')) as { version: string };
    const cacheFile = join(workspaceDataDirectory, `modelos-${version}-validated.json`);
    const remembered = () => JSON.parse(readFileSync(cacheFile, 'utf8')) as string[];
    try {
      write('ham/resource.json', HAM);
      write('broken/resource.json', { ...HAM, entry: '../outside.ts' });
      await expect(infer(['ham/resource.json', 'broken/resource.json'])).rejects.toBeInstanceOf(AggregateCreateNodesError);
      // The valid file only, keyed by its path and text.
      expect(remembered()).toEqual([hashArray(['ham/resource.json', JSON.stringify(HAM)])]);

      const [[, renamed]] = await infer(['ham/resource.json'], { storeTargetName: 'push' });
      expect(renamed.projects!.ham.targets!.push).toMatchObject({ executor: '@modelos/nx:store' });

      // Same path, other text: validated again, not taken from the file.
      write('ham/resource.json', { ...HAM, entry: '/abs.ts' });
      await expect(infer(['ham/resource.json'])).rejects.toBeInstanceOf(AggregateCreateNodesError);
      expect(remembered()).toEqual([]);
    } finally {
      rmSync(cacheFile, { force: true });
    }
  });
});
