import { openRepository } from '@modelos/versioning-core/oci';
import { formatReleasesTable, listReleases } from '@modelos/versioning-core/releases';
import { defineResourceExecutor } from '../resource-executor';
import type { ReleasesExecutorOptions } from './schema';

export const { executor, batch } = defineResourceExecutor<ReleasesExecutorOptions>(async ({ options, target, out, session }) => {
  const rows = await listReleases(openRepository(target.registry, target.resource.name, { session }));
  if (options.json) out.json(rows);
  else out.info(formatReleasesTable(rows));
});

export default executor;
