import { logger, type PromiseExecutor } from '@nx/devkit';
import { formatReleasesTable, listReleases, openRepository } from '@modelos/versioning-core';
import { printJson } from '../print-json';
import { reportUserErrors } from '../report-user-errors';
import { resolveResourceTarget } from '../resource-target';
import type { ReleasesExecutorOptions } from './schema';

const releasesExecutor: PromiseExecutor<ReleasesExecutorOptions> = (options, context) =>
  reportUserErrors(async () => {
    const { registry, resource } = resolveResourceTarget(options.registry, context);
    const rows = await listReleases(openRepository(registry, resource.name));
    if (options.json) printJson(rows);
    else logger.info(formatReleasesTable(rows));
  });

export default releasesExecutor;
