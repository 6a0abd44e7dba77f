import { logger, type PromiseExecutor } from '@nx/devkit';
import { cleanRepository, formatCleanTable, openRepository } from '@modelos/versioning-core';
import { logToStderr, printJson } from '../print-json';
import { reportUserErrors } from '../report-user-errors';
import { resolveResourceTarget } from '../resource-target';
import type { CleanExecutorOptions } from './schema';

const cleanExecutor: PromiseExecutor<CleanExecutorOptions> = (options, context) =>
  reportUserErrors(async () => {
    const { registry, resource } = resolveResourceTarget(options.registry, context);
    const result = await cleanRepository(openRepository(registry, resource.name), {
      dryRun: options.dryRun,
      log: options.json ? logToStderr : undefined,
    });
    if (options.json) printJson(result);
    else logger.info(result.actions.length ? formatCleanTable(result) : `nothing to clean in ${result.repository} (${result.kept} tags kept)`);
  });

export default cleanExecutor;
