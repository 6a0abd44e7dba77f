import { releaseResource, type ReleaseResult } from '@modelos/versioning-core/release';
import { packDir } from '@modelos/versioning-core/pack-document';
import { readPluginOptions } from '../../plugin-options';
import type { ResourceTaskBody } from '../resource-executor';
import type { ReleaseExecutorOptions } from './schema';

export const releaseTask: ResourceTaskBody<ReleaseExecutorOptions> = async ({ options, target, context, out, git, session }) => {
  const pluginOptions = readPluginOptions(context.nxJsonConfiguration);
  const result = await releaseResource({
    ...target,
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
    git,
    session,
    progress: out.meter,
    packDir: packDir(target.workspaceRoot, target.resource.name),
  });
  if (options.json) out.json(result);
  else out.info(formatReleaseSummary(result));
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
