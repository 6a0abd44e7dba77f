import { environmentHistory, formatEnvironmentsTable, formatHistoryTable, listEnvironments } from '@modelos/versioning-core/environments';
import { UserError } from '@modelos/versioning-core/errors';
import { openRepository } from '@modelos/versioning-core/oci';
import type { ResourceTaskBody } from '../resource-executor';
import type { EnvironmentsExecutorOptions } from './schema';

export const environmentsTask: ResourceTaskBody<EnvironmentsExecutorOptions> = async ({ options, target, out }) => {
  const repo = openRepository(target.registry, target.resource.name);
  if (options.env) {
    const entries = await environmentHistory(repo, options.env);
    if (entries.length === 0) throw new UserError(`unknown environment "${options.env}" of ${target.resource.name}: ${repo.reference} has no envlog-${options.env}`);
    out.result(entries, () => formatHistoryTable(entries));
    return;
  }
  const rows = await listEnvironments(repo);
  out.result(rows, () => formatEnvironmentsTable(rows));
};
