import { joinPathFragments, writeJson, type Tree } from '@nx/devkit';

export interface ResourceFileOptions {
  entry: string;
  className: string;
  /** Also scaffold `metrics.json` and point `metricsFile` at it. */
  metrics?: boolean;
}

const METRICS_FILE = 'metrics.json';

/** `resource.json` (SPEC §3) in the project root, and `metrics.json` when asked for. */
export function writeResourceFile(tree: Tree, projectRoot: string, options: ResourceFileOptions): void {
  writeJson(tree, joinPathFragments(projectRoot, 'resource.json'), {
    formatVersion: '1',
    entry: options.entry,
    class: options.className,
    requires: {},
    ...(options.metrics ? { metricsFile: METRICS_FILE } : {}),
  });
  // Empty until a training run writes its numbers (metrics) and strings (labels) here.
  if (options.metrics) writeJson(tree, joinPathFragments(projectRoot, METRICS_FILE), {});
}
