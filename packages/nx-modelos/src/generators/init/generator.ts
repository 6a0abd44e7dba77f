import { parseRegistryReference } from '@modelos/versioning-core/oci';
import { formatFiles, readNxJson, updateNxJson, type NxJsonConfiguration, type Tree } from '@nx/devkit';
import { isModelosPluginEntry, PLUGIN_NAME, validatePluginOptions, type ModelosPluginOptions } from '../../plugin-options';
import { ignoreLocalData } from './ignore-local-data';
import type { InitGeneratorSchema } from './schema';

/** npm's rule for a scope name (without the `@`). */
const NPM_SCOPE = /^[a-z0-9~-][a-z0-9-._~]*$/;

type PluginEntry = NonNullable<NxJsonConfiguration['plugins']>[number];

/**
 * `nx add @modelos/nx` runs this. Idempotent: a second run with the same options changes
 * nothing; options given on a later run are written into the existing entry, others kept.
 */
export async function initGenerator(tree: Tree, options: InitGeneratorSchema): Promise<void> {
  registerPlugin(tree, options);
  ignoreLocalData(tree);
  if (!options.skipFormat) await formatFiles(tree);
}

function registerPlugin(tree: Tree, options: InitGeneratorSchema): void {
  const nxJson = readNxJson(tree) ?? {};
  const plugins = nxJson.plugins ?? [];
  const given = givenOptions(options);
  const index = plugins.findIndex(isModelosPluginEntry);
  if (index === -1) {
    nxJson.plugins = [...plugins, { plugin: PLUGIN_NAME, options: checkedOptions(tree, { ...given, mainBranch: given.mainBranch ?? nxJson.defaultBase ?? 'main' }) }];
  } else {
    const current = entryOptions(plugins[index]);
    if (Object.entries(given).every(([key, value]) => current[key as keyof ModelosPluginOptions] === value)) return;
    plugins[index] = { plugin: PLUGIN_NAME, options: checkedOptions(tree, { ...current, ...given }) };
  }
  updateNxJson(tree, nxJson);
}

/**
 * Checked as every command will check them: a bad value is refused now, not written. The
 * registry is parsed here, not in validatePluginOptions: createNodes runs that, and must not
 * load the OCI client.
 */
function checkedOptions(tree: Tree, options: ModelosPluginOptions): ModelosPluginOptions {
  const valid = validatePluginOptions(options);
  if (valid.registry !== undefined) parseRegistryReference(valid.registry, tree.root, { insecure: valid.insecure });
  return valid;
}

/** The plugin options this run sets: only those given, so that a bare re-run keeps the rest. */
function givenOptions(options: InitGeneratorSchema): ModelosPluginOptions {
  const given: ModelosPluginOptions = {};
  if (options.registry) given.registry = options.registry;
  if (options.mainBranch) given.mainBranch = options.mainBranch;
  if (options.npmScope) given.npmScope = npmScope(options.npmScope);
  return given;
}

/** The scope as the engine takes it (`ml-project`), from `ml-project` or `@ml-project`. */
function npmScope(text: string): string {
  const scope = text.replace(/^@/, '');
  if (!NPM_SCOPE.test(scope)) {
    throw new Error(`--npmScope "${text}" cannot scope npm packages: use lowercase letters, digits and "-._~", not starting with "." or "_", e.g. ml-project`);
  }
  return scope;
}

function entryOptions(entry: PluginEntry): ModelosPluginOptions {
  return typeof entry === 'string' ? {} : ((entry.options ?? {}) as ModelosPluginOptions);
}

export default initGenerator;
