import { formatVersionsTable, listVersions } from '@modelos/versioning-core/versions';
import type { ResourceTaskBody } from '../resource-executor';
import type { VersionsExecutorOptions } from './schema';

export const versionsTask: ResourceTaskBody<VersionsExecutorOptions> = async ({ options, target, out, session }) => {
  const rows = await listVersions({ ...target, compatibleOnly: options.compatible, metrics: options.metrics, session });
  out.result(rows, () => formatVersionsTable(rows));
};
