import type { ProjectGraph, ProjectGraphProjectNode } from '@nx/devkit';
import { resourceClosure } from './resource-closure';

function project(name: string): ProjectGraphProjectNode {
  return { name, type: 'lib', data: { root: `libs/${name}` } };
}

function graph(edges: Record<string, string[]>): ProjectGraph {
  const names = ['ham', 'eggs', 'salt', 'bacon'];
  return {
    nodes: Object.fromEntries(names.map((n) => [n, project(n)])),
    externalNodes: { 'npm:lodash': { name: 'npm:lodash', type: 'npm', data: { version: '4.17.21', packageName: 'lodash' } } },
    dependencies: Object.fromEntries(
      names.map((n) => [n, (edges[n] ?? []).map((target) => ({ source: n, target, type: 'static' }))]),
    ),
  };
}

describe('resourceClosure', () => {
  it('holds the project and its transitive project dependencies, without npm packages or unrelated projects', () => {
    const g = graph({ ham: ['eggs', 'npm:lodash'], eggs: ['salt'], bacon: ['salt'] });
    expect(resourceClosure(g, 'ham')).toEqual([
      { name: 'ham', root: 'libs/ham' },
      { name: 'eggs', root: 'libs/eggs' },
      { name: 'salt', root: 'libs/salt' },
    ]);
  });

  it('visits each project once when dependencies form a cycle', () => {
    const g = graph({ ham: ['eggs'], eggs: ['ham', 'salt'], salt: ['eggs'] });
    expect(resourceClosure(g, 'ham').map((p) => p.name)).toEqual(['ham', 'eggs', 'salt']);
  });

  it('is only the project itself when it depends on nothing', () => {
    expect(resourceClosure(graph({ ham: ['eggs'] }), 'bacon')).toEqual([{ name: 'bacon', root: 'libs/bacon' }]);
  });
});
