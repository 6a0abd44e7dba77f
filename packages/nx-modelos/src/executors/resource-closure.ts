import type { ProjectGraph } from '@nx/devkit';
import type { ProjectRef } from '@modelos/versioning-core';

/**
 * The project and every project it depends on, transitively, in the Nx project graph. npm
 * packages (external nodes) are not part of a closure: the lock file versions them.
 */
export function resourceClosure(graph: ProjectGraph, projectName: string): ProjectRef[] {
  const seen = new Set<string>([projectName]);
  const queue = [projectName];
  for (let i = 0; i < queue.length; i++) {
    for (const { target } of graph.dependencies[queue[i]] ?? []) {
      if (graph.nodes[target] && !seen.has(target)) {
        seen.add(target);
        queue.push(target);
      }
    }
  }
  return queue.map((name) => ({ name, root: graph.nodes[name].data.root }));
}
