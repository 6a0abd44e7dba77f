import { logger, type PromiseExecutor } from '@nx/devkit';
import { progressMeter, releaseResource, wantsProgress, type ReleaseResult } from '@modelos/versioning-core';
import { readPluginOptions } from '../../plugin-options';
import { logToStderr, printJson } from '../print-json';
import { reportUserErrors } from '../report-user-errors';
import { resolveResourceTarget } from '../resource-target';
import type { ReleaseExecutorOptions } from './schema';

const releaseExecutor: PromiseExecutor<ReleaseExecutorOptions> = (options, context) =>
  reportUserErrors(async () => {
    const pluginOptions = readPluginOptions(context.nxJsonConfiguration);
    const result = await releaseResource({
      ...resolveResourceTarget(options.registry, context),
      mainBranch: pluginOptions.mainBranch ?? context.nxJsonConfiguration?.defaultBase ?? 'main',
      npmScope: pluginOptions.npmScope,
      gitTag: options.gitTag,
      push: options.push,
      forceMain: options.forceMain,
      forceMajor: options.forceMajor,
      patch: options.patch,
      preid: options.preid,
      latest: options.latest,
      allowDirty: options.allowDirty,
      initialVersion: options.initialVersion,
      dryRun: options.dryRun,
      warn: options.json ? logToStderr : (line) => logger.warn(line),
      progress: wantsProgress({ json: options.json }) ? progressMeter(process.stderr) : undefined,
    });
    if (options.json) printJson(result);
    else logger.info(formatReleaseSummary(result));
  });

export function formatReleaseSummary(result: ReleaseResult): string {
  // Nothing to release (unchanged, or this content already released): say so, dry run or not.
  if (result.bump === null || (!result.released && !result.dryRun)) return result.reason;
  const verb = result.dryRun ? 'would release' : 'released';
  return [
    `${verb} ${result.resource} ${result.version} (${result.reason})`,
    ...result.tags.map((tag) => `  ${result.repository}:${tag}`),
    ...(result.gitTag ? [`  git tag ${result.gitTag}`] : []),
    ...(result.digest ? [`  digest ${result.digest}`] : []),
  ].join('\n');
}

export default releaseExecutor;
