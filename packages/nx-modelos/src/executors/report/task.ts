import { openRepository } from '@modelos/versioning-core/oci';
import { formatReportCounts, writeResourceReport } from '@modelos/versioning-core/report';
import { join, relative } from 'node:path';
import type { ResourceTaskBody } from '../resource-executor';
import type { ReportExecutorOptions } from './schema';

export const reportTask: ResourceTaskBody<ReportExecutorOptions> = async ({ options, target, out }) => {
  const repo = openRepository(target.registry, target.resource.name);
  const result = await writeResourceReport(repo, target.resource.name, join(target.workspaceRoot, options.outputPath ?? 'dist/modelos'));
  out.result(result, () =>
    [`wrote ${relative(target.workspaceRoot, result.file)} (${formatReportCounts(result)}, ${result.bytes} bytes)`, `index ${relative(target.workspaceRoot, result.index)}`].join('\n'),
  );
};
