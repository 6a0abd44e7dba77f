import { formatFiles, readNxJson, updateNxJson, type Tree } from '@nx/devkit';
import { isModelosPluginEntry, PLUGIN_NAME, type ModelosPluginOptions } from '../../plugin-options';
import { ignoreLocalData } from './ignore-local-data';
import type { InitGeneratorSchema } from './schema';

/** `nx add @modelos/nx` runs this. Idempotent: an existing plugin entry is left as it is. */
export async function initGenerator(tree: Tree, options: InitGeneratorSchema): Promise<void> {
  registerPlugin(tree, options);
  ignoreLocalData(tree);
  if (!options.skipFormat) await formatFiles(tree);
}

function registerPlugin(tree: Tree, options: InitGeneratorSchema): void {
  const nxJson = readNxJson(tree) ?? {};
  if (nxJson.plugins?.some(isModelosPluginEntry)) return;
  const pluginOptions: ModelosPluginOptions = {
    ...(options.registry ? { registry: options.registry } : {}),
    mainBranch: nxJson.defaultBase ?? 'main',
  };
  nxJson.plugins = [...(nxJson.plugins ?? []), { plugin: PLUGIN_NAME, options: pluginOptions }];
  updateNxJson(tree, nxJson);
}

export default initGenerator;
