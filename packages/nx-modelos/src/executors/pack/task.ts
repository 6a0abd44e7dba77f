import { packResource, type PackResult } from '@modelos/versioning-core/pack';
import type { ResourceTaskBody } from '../resource-executor';
import type { PackExecutorOptions } from './schema';

export const packTask: ResourceTaskBody<PackExecutorOptions> = async ({ target, out, git }) => {
  const result = await packResource({ workspaceRoot: target.workspaceRoot, resource: target.resource, closure: target.closure, git });
  out.result(result, () => formatPackSummary(result));
};

export function formatPackSummary(result: PackResult): string {
  const bytes = result.layers.reduce((sum, layer) => sum + layer.size, 0);
  const files = result.layers.reduce((sum, layer) => sum + layer.files, 0);
  const models = result.layers.filter((layer) => layer.kind === 'model').length;
  return `packed ${result.resource} into ${result.outDir}: ${result.layers.length} layer(s) (${models} model), ${files} file(s), ${bytes} bytes; client hash ${result.clientHash.slice(0, 7)}`;
}
