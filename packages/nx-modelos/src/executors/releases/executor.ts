import { formatReleasesTable, listReleases, openRepository } from '@modelos/versioning-core';
import { defineResourceExecutor } from '../resource-executor';
import type { ReleasesExecutorOptions } from './schema';

export const { executor, batch } = defineResourceExecutor<ReleasesExecutorOptions>(async ({ options, target, out }) => {
  const rows = await listReleases(openRepository(target.registry, target.resource.name));
  if (options.json) out.json(rows);
  else out.info(formatReleasesTable(rows));
});

export default executor;
