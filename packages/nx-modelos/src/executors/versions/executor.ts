import { logger, type PromiseExecutor } from '@nx/devkit';
import { formatVersionsTable, listVersions } from '@modelos/versioning-core';
import { printJson } from '../print-json';
import { reportUserErrors } from '../report-user-errors';
import { resolveResourceTarget } from '../resource-target';
import type { VersionsExecutorOptions } from './schema';

const versionsExecutor: PromiseExecutor<VersionsExecutorOptions> = (options, context) =>
  reportUserErrors(async () => {
    const rows = await listVersions({
      ...resolveResourceTarget(options.registry, context),
      compatibleOnly: options.compatible,
    });
    if (options.json) printJson(rows);
    else logger.info(formatVersionsTable(rows));
  });

export default versionsExecutor;
