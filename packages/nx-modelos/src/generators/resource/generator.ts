import { formatFiles, runTasksInSerial, type GeneratorCallback, type Tree } from '@nx/devkit';
import { initGenerator } from '../init/generator';
import { convertToResource } from './convert';
import { scaffoldResource } from './scaffold';
import type { ResourceGeneratorSchema } from './schema';

/**
 * `nx g @modelos/nx:resource ham` creates a resource library; `--project eggs-lib --class Eggs`
 * makes an existing library a resource. Either way the plugin is registered, so that the
 * project gets its targets.
 */
export async function resourceGenerator(tree: Tree, schema: ResourceGeneratorSchema): Promise<GeneratorCallback> {
  const task = schema.project ? await convertToResource(tree, { ...schema, project: schema.project }) : await scaffoldResource(tree, schema);
  await initGenerator(tree, { skipFormat: true });
  if (!schema.skipFormat) await formatFiles(tree);
  return runTasksInSerial(task);
}

export default resourceGenerator;
