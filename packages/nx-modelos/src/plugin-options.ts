import type { NxJsonConfiguration } from '@nx/devkit';

export const PLUGIN_NAME = '@modelos/nx';

/** The `options` of the `@modelos/nx` entry in nx.json `plugins` (SPEC §3). */
export interface ModelosPluginOptions {
  /** Registry reference used when neither `--registry` nor `MODELOS_REGISTRY` is given. */
  registry?: string;
  /** Plain HTTP to a registry that is not on a loopback address (SPEC §3 `insecure: true`). */
  insecure?: boolean;
  mainBranch?: string;
  /** npm scope of the client and server packages; default: the root package.json's scope. */
  npmScope?: string;
  /** npm registry URL: every release also publishes its server and client packages there (SPEC §11). */
  npmRegistry?: string;
  packTargetName?: string;
  storeTargetName?: string;
  versionsTargetName?: string;
  releaseTargetName?: string;
  releasesTargetName?: string;
  cleanTargetName?: string;
  promoteTargetName?: string;
  rollbackTargetName?: string;
  trafficTargetName?: string;
  environmentsTargetName?: string;
  reportTargetName?: string;
  describeTargetName?: string;
  compareTargetName?: string;
  resolveTargetName?: string;
}

/** What the inferred targets depend on (and so what keys their cache): only the target names. */
export interface NormalizedPluginOptions {
  packTargetName: string;
  storeTargetName: string;
  versionsTargetName: string;
  releaseTargetName: string;
  releasesTargetName: string;
  cleanTargetName: string;
  promoteTargetName: string;
  rollbackTargetName: string;
  trafficTargetName: string;
  environmentsTargetName: string;
  reportTargetName: string;
  describeTargetName: string;
  compareTargetName: string;
  resolveTargetName: string;
}

export function normalizePluginOptions(options: ModelosPluginOptions | undefined): NormalizedPluginOptions {
  return {
    packTargetName: options?.packTargetName ?? 'pack',
    storeTargetName: options?.storeTargetName ?? 'store',
    versionsTargetName: options?.versionsTargetName ?? 'versions',
    releaseTargetName: options?.releaseTargetName ?? 'release',
    releasesTargetName: options?.releasesTargetName ?? 'releases',
    cleanTargetName: options?.cleanTargetName ?? 'clean',
    promoteTargetName: options?.promoteTargetName ?? 'promote',
    rollbackTargetName: options?.rollbackTargetName ?? 'rollback',
    trafficTargetName: options?.trafficTargetName ?? 'traffic',
    environmentsTargetName: options?.environmentsTargetName ?? 'environments',
    reportTargetName: options?.reportTargetName ?? 'report',
    describeTargetName: options?.describeTargetName ?? 'describe',
    compareTargetName: options?.compareTargetName ?? 'compare',
    resolveTargetName: options?.resolveTargetName ?? 'resolve',
  };
}

export function isModelosPluginEntry(entry: NonNullable<NxJsonConfiguration['plugins']>[number]): boolean {
  return (typeof entry === 'string' ? entry : entry.plugin) === PLUGIN_NAME;
}

/**
 * Options of the first `@modelos/nx` entry in nx.json; executors need them because Nx does
 * not hand plugin options to executors, and the plugin's `registry` must rank below
 * `MODELOS_REGISTRY` (so it cannot be baked into the inferred target options).
 */
export function readPluginOptions(nxJson: NxJsonConfiguration | undefined): ModelosPluginOptions {
  const entry = nxJson?.plugins?.find(isModelosPluginEntry);
  return entry && typeof entry !== 'string' ? ((entry.options ?? {}) as ModelosPluginOptions) : {};
}
