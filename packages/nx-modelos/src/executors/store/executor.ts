import { logger, type PromiseExecutor } from '@nx/devkit';
import { progressMeter, storeResource, wantsProgress } from '@modelos/versioning-core';
import { logToStderr, printJson } from '../print-json';
import { reportUserErrors } from '../report-user-errors';
import { resolveResourceTarget } from '../resource-target';
import { formatStoreSummary } from './format-store-summary';
import type { StoreExecutorOptions } from './schema';

const storeExecutor: PromiseExecutor<StoreExecutorOptions> = (options, context) =>
  reportUserErrors(async () => {
    const result = await storeResource({
      ...resolveResourceTarget(options.registry, context),
      branch: options.branch,
      branchOnly: options.branchOnly,
      dryRun: options.dryRun,
      log: options.json ? logToStderr : (line) => logger.info(line),
      progress: wantsProgress({ json: options.json }) ? progressMeter(process.stderr) : undefined,
    });
    if (options.json) printJson(result);
    else logger.info(formatStoreSummary(result));
  });

export default storeExecutor;
