import { LayerCache } from '../artifact/layer-cache';
import { pushClosureLayers } from '../artifact/push-layers';
import { resourceConfigBlob } from '../artifact/resource-artifact';
import type { ClosureFactsSource } from '../git';
import type { Repository } from '../oci';
import type { ProjectRef } from '../project-ref';
import { cacheDir, collectResourceFacts } from '../resource-facts';
import type { VersionMetadata } from './version-metadata';

export interface WorkingTree {
  workspaceRoot: string;
  resource: ProjectRef;
  closure: ProjectRef[];
  /** An Nx batch's shared git facts; default: a git call of its own. */
  git?: ClosureFactsSource;
}

/**
 * What `store` would record for the working tree now, computed like a dry-run store: the same
 * facts, config and layer digests (from the layer cache when unchanged), nothing pushed.
 */
export async function workingTreeMetadata(repo: Repository, tree: WorkingTree): Promise<VersionMetadata> {
  const { facts, closureFiles } = await collectResourceFacts(tree.workspaceRoot, tree.resource, tree.closure, tree.git);
  const layers = await pushClosureLayers(repo, tree.closure, closureFiles, new LayerCache(cacheDir(tree.workspaceRoot, 'layers')), false);
  return {
    tag: null,
    version: null,
    digest: null,
    created: null,
    author: facts.author,
    size: resourceConfigBlob(facts).length + layers.reduce((sum, layer) => sum + layer.size, 0),
    projects: tree.closure.map((project, i) => ({ name: project.name, size: layers[i].size, files: facts.files[project.name] })),
    metrics: facts.metrics,
    labels: facts.labels,
    clientHash: facts.clientHash,
    interface: facts.interface,
    closureCommit: facts.closureCommit,
    dirtyHash: facts.dirtyHash,
    requires: facts.requires,
    resolved: null,
  };
}
