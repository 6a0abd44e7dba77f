import { releaseResource, type ReleaseResult } from '@modelos/versioning-core/release';
import { readPluginOptions } from '../../plugin-options';
import { pushInput } from '../push-input';
import type { ResourceTaskBody } from '../resource-executor';
import type { ReleaseExecutorOptions } from './schema';

export const releaseTask: ResourceTaskBody<ReleaseExecutorOptions> = async (task) => {
  const { options, context, out } = task;
  const pluginOptions = readPluginOptions(context.nxJsonConfiguration);
  const result = await releaseResource({
    ...pushInput(task),
    mainBranch: pluginOptions.mainBranch ?? context.nxJsonConfiguration?.defaultBase ?? 'main',
    npmScope: pluginOptions.npmScope,
    publish: options.publish,
    npmRegistry: options.npmRegistry ?? pluginOptions.npmRegistry,
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
    warn: out.warn,
  });
  out.result(result, () => formatReleaseSummary(result));
};

export function formatReleaseSummary(result: ReleaseResult): string {
  // Nothing to release (unchanged, or this content already released): say so, dry run or not.
  if (result.bump === null || (!result.released && !result.dryRun)) return result.reason;
  const verb = result.dryRun ? 'would release' : 'released';
  return [
    `${verb} ${result.resource} ${result.version} (${result.reason})`,
    ...result.tags.map((tag) => `  ${result.repository}:${tag}`),
    ...(result.gitTag ? [`  git tag ${result.gitTag}`] : []),
    ...result.npm.map((p) => `  npm ${p.package} (${p.published ? `published, dist-tag ${p.distTag}` : 'already published with these bytes'})`),
    ...(result.digest ? [`  digest ${result.digest}`] : []),
  ].join('\n');
}
