import { openRepository } from '@modelos/versioning-core/oci';
import { formatReleasesTable, listReleases } from '@modelos/versioning-core/releases';
import type { ResourceTaskBody } from '../resource-executor';
import type { ReleasesExecutorOptions } from './schema';

export const releasesTask: ResourceTaskBody<ReleasesExecutorOptions> = async ({ target, out, session }) => {
  const rows = await listReleases(openRepository(target.registry, target.resource.name, { session }));
  out.result(rows, () => formatReleasesTable(rows));
};
