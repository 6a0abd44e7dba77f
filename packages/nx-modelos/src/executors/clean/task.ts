import { cleanRepository, formatCleanTable } from '@modelos/versioning-core/clean';
import { openRepository } from '@modelos/versioning-core/oci';
import type { ResourceTaskBody } from '../resource-executor';
import type { CleanExecutorOptions } from './schema';

export const cleanTask: ResourceTaskBody<CleanExecutorOptions> = async ({ options, target, out, session }) => {
  const result = await cleanRepository(openRepository(target.registry, target.resource.name, { session }), {
    dryRun: options.dryRun,
    log: options.json ? out.progress : undefined,
  });
  out.result(result, () => result.actions.length ? formatCleanTable(result) : `nothing to clean in ${result.repository} (${result.kept} tags kept)`);
};
