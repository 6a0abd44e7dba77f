import { LayerCache } from '../artifact/layer-cache';
import { closureLayerSources, knownModelDigests, pushLayers } from '../artifact/push-layers';
import { resourceConfigBlob } from '../artifact/resource-artifact';
import type { ClosureFactsSource } from '../git';
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
export async function workingTreeMetadata(tree: WorkingTree): Promise<VersionMetadata> {
  const { facts, closureFiles } = await collectResourceFacts(tree.workspaceRoot, tree.resource, tree.closure, tree.git);
  const sources = closureLayerSources(tree.workspaceRoot, tree.resource, tree.closure, closureFiles);
  const layers = await pushLayers(sources, { cache: new LayerCache(cacheDir(tree.workspaceRoot, 'layers')) }, knownModelDigests(sources, facts.files));
  // A project's size is its code layer and its model layers.
  const projectSize = (name: string) => layers.filter((_, i) => sources[i].project === name).reduce((sum, layer) => sum + layer.size, 0);
  return {
    tag: null,
    version: null,
    digest: null,
    created: null,
    author: facts.author,
    size: resourceConfigBlob(facts).length + layers.reduce((sum, layer) => sum + layer.size, 0),
    projects: tree.closure.map((project) => ({ name: project.name, size: projectSize(project.name), files: facts.files[project.name] })),
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
