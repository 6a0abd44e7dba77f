import type { NxJsonConfiguration } from '@nx/devkit';
import { UserError } from '@modelos/versioning-core/errors';

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

/** Every inferred target's default name, by the option that renames it: the one list of them. */
const TARGET_NAME_DEFAULTS = {
  packTargetName: 'pack',
  storeTargetName: 'store',
  versionsTargetName: 'versions',
  releaseTargetName: 'release',
  releasesTargetName: 'releases',
  cleanTargetName: 'clean',
  promoteTargetName: 'promote',
  rollbackTargetName: 'rollback',
  trafficTargetName: 'traffic',
  environmentsTargetName: 'environments',
  reportTargetName: 'report',
  describeTargetName: 'describe',
  compareTargetName: 'compare',
  resolveTargetName: 'resolve',
} as const;

/** What the inferred targets depend on (and so what keys their cache): only the target names. */
export type NormalizedPluginOptions = Record<keyof typeof TARGET_NAME_DEFAULTS, string>;

const TARGET_NAME_OPTIONS = Object.keys(TARGET_NAME_DEFAULTS) as Array<keyof typeof TARGET_NAME_DEFAULTS>;
const STRING_OPTIONS = new Set(['registry', 'mainBranch', 'npmScope', 'npmRegistry', ...TARGET_NAME_OPTIONS]);
const OPTIONS_RULE = 'options: registry, insecure, mainBranch, npmScope, npmRegistry and <target>TargetName (storeTargetName, …)';

/**
 * The plugin's options, checked as strictly as resource.json (a config file is bad input): a
 * misspelt key would otherwise be dropped without a word, e.g. `registy` storing to the
 * embedded registry. Written by hand: a dozen keys, and createNodes must not load a validator.
 */
export function validatePluginOptions(options: unknown): ModelosPluginOptions {
  const where = `nx.json: the options of ${PLUGIN_NAME}`;
  if (options === undefined) return {};
  if (typeof options !== 'object' || options === null || Array.isArray(options)) throw new UserError(`${where} must be an object (${OPTIONS_RULE})`);
  for (const [key, value] of Object.entries(options)) {
    if (key === 'insecure') {
      if (typeof value !== 'boolean') throw new UserError(`${where}: "insecure" must be true or false, not ${JSON.stringify(value)}`);
    } else if (!STRING_OPTIONS.has(key)) {
      throw new UserError(`${where} have no "${key}" (${OPTIONS_RULE})`);
    } else if (typeof value !== 'string' || value.trim() === '') {
      throw new UserError(`${where}: "${key}" must be a non-empty string, not ${JSON.stringify(value)}`);
    }
  }
  const valid = options as ModelosPluginOptions;
  if (valid.mainBranch !== undefined && !isBranchName(valid.mainBranch)) {
    throw new UserError(`${where}: "mainBranch" is ${JSON.stringify(valid.mainBranch)}, which git would not take as a branch name (no spaces, "..", "~^:?*[\\", "@{", or a leading "-")`);
  }
  for (const key of TARGET_NAME_OPTIONS) {
    const name = valid[key];
    if (name !== undefined && /[\s:]/.test(name)) throw new UserError(`${where}: "${key}" is ${JSON.stringify(name)}; a target name has no spaces or ":"`);
  }
  return valid;
}

/** git check-ref-format's rules for a branch (refs/heads/<name>), without a process for it. */
function isBranchName(name: string): boolean {
  if (name.startsWith('-') || name === '@' || name.endsWith('/') || name.endsWith('.')) return false;
  // Control characters, space and ~^:?*[\ are never in a ref; nor are "..", "@{" or "//".
  if (/[\x00-\x20\x7f~^:?*[\\]|\.\.|@\{|\/\//.test(name)) return false;
  return name.split('/').every((part) => part !== '' && !part.startsWith('.') && !part.endsWith('.lock'));
}

export function normalizePluginOptions(options: ModelosPluginOptions | undefined): NormalizedPluginOptions {
  return Object.fromEntries(TARGET_NAME_OPTIONS.map((key) => [key, options?.[key] ?? TARGET_NAME_DEFAULTS[key]])) as NormalizedPluginOptions;
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
  return entry && typeof entry !== 'string' ? validatePluginOptions(entry.options) : {};
}
