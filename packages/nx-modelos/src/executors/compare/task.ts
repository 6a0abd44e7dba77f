import { compareResourceVersions, formatComparison } from '@modelos/versioning-core/metadata';
import { openRepository } from '@modelos/versioning-core/oci';
import type { ResourceTaskBody } from '../resource-executor';
import type { CompareExecutorOptions } from './schema';

export const compareTask: ResourceTaskBody<CompareExecutorOptions> = async ({ options, target, out, git }) => {
  const comparison = await compareResourceVersions(openRepository(target.registry, target.resource.name), {
    from: options.from,
    to: options.to,
    workingTree: { ...target, git },
  });
  out.result(comparison, () => formatComparison(comparison));
};
